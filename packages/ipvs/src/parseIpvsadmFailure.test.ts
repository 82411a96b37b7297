import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseIpvsadmFailure } from "./parseIpvsadmFailure";

/** Reads errors.txt's `$ command / stderr: / … / rc=N` cases. */
function readCases(): Array<{ command: string; stderr: string; rc: number }> {
  const text = readFileSync(new URL("../fixtures/real/errors.txt", import.meta.url), "utf8");
  return [...text.matchAll(/^\$ (.+)\nstderr:\n([\s\S]*?)rc=(\d+)$/gm)].map((m) => ({ command: m[1] ?? "", stderr: m[2] ?? "", rc: Number(m[3]) }));
}

describe("parseIpvsadmFailure", () => {
  it("classifies every case of the captured errors.txt", () => {
    const kinds = Object.fromEntries(readCases().map((c) => [c.command, parseIpvsadmFailure(c.rc, c.stderr).kind]));
    expect(kinds).toEqual({
      "ipvsadm -a -t 10.0.0.100:80 -r 10.0.0.11:8080 -m -w 1": "kernel-refused",
      "ipvsadm -A -t 10.0.0.100:80 -s rr": "kernel-refused",
      "ipvsadm -e -t 10.0.0.100:80 -r 10.0.0.99:80 -g -w 1": "not-found",
      "ipvsadm -D -u 10.0.0.200:53": "not-found",
      "ipvsadm -A -t 10.0.0.201:80 -s nosuchsched": "kernel-refused",
      "ipvsadm -a -t 10.0.0.100:80 -r 10.0.0.50:80 -g -w 2147483648": "bad-arguments",
      "ipvsadm -Ln -t 10.0.0.200:80": "not-found",
      "ipvsadm --bogus-option": "bad-arguments",
    });
  });

  it("explains the failure in the operator's words and keeps ipvsadm's own", () => {
    const failure = parseIpvsadmFailure(255, "No such destination\n");
    expect(failure).toEqual({ kind: "not-found", exitCode: 255, detail: "No such destination", message: "the virtual service or real server does not exist (any more): No such destination (exit 255)" });
    expect(parseIpvsadmFailure(255, "Service not defined\n").kind).toBe("not-found");
    expect(parseIpvsadmFailure(2, "Can't initialize ipvs: Permission denied (you must be root)\nAre you sure that IP Virtual Server is built in the kernel or as module?\n").kind).toBe("not-permitted");
    expect(parseIpvsadmFailure(255, "Numerical result out of range\n").kind).toBe("kernel-refused");
    expect(parseIpvsadmFailure(1, "Memory allocation problem\n").kind).toBe("kernel-refused");
    expect(parseIpvsadmFailure(null, "").message).toMatch(/killed by a signal/);
    expect(parseIpvsadmFailure(3, "").kind).toBe("unknown");
  });
});
