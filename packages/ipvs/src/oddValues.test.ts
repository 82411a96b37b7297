import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { virtualServiceSchema } from "@lvsdeck/protocol";
import { mergeIpvsTables } from "./mergeIpvsTables";
import { parseIpvsadmList } from "./parseIpvsadmList";
import { parseProcIpVs } from "./parseProcIpVs";

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/real/${name}`, import.meta.url), "utf8");

// Real captures edited the way a Linux 6.2+ director with Debian's ipvsadm shows them: the largest
// weight the kernel holds (INT_MAX) and the `twos` scheduler, which this code has no model of.
const list = fixture("ipvsadm-Ln.txt")
  .replace("TCP  10.0.0.100:80 wrr persistent 300", "TCP  10.0.0.100:80 twos persistent 300")
  .replace("  -> 10.0.0.11:8080               Masq    3      0", "  -> 10.0.0.11:8080               Masq    2147483647 0");
const proc = fixture("proc-ip_vs.txt")
  .replace("TCP  [2001:0db8:0000:0000:0000:0000:0000:0100]:0050 lc ", "TCP  [2001:0db8:0000:0000:0000:0000:0000:0100]:0050 twos ")
  .replace("Route   2      4", "Route   2147483647      4");

describe("odd values in real captures", () => {
  it("reads ipvsadm -Ln with a weight of 2147483647 and a twos service into services the protocol accepts", () => {
    const parsed = parseIpvsadmList(list);
    expect(parsed.errors).toEqual([]);
    const { value, errors } = mergeIpvsTables({ list: parsed.value });
    const service = value.find((s) => s.key === "TCP 10.0.0.100:80");
    expect(service?.scheduler).toBe("twos");
    expect(service?.realServers.find((rs) => rs.key === "10.0.0.11:8080")?.weight).toBe(2147483647);
    expect(value).toHaveLength(parsed.value.services.length);
    for (const s of value) expect(virtualServiceSchema.safeParse(s).success).toBe(true);
    expect(errors.map((e) => e.message)).toEqual(["scheduler 'twos' is not one whose behaviour is known; carried as-is"]);
  });

  it("reads /proc/net/ip_vs with the same values", () => {
    const parsed = parseProcIpVs(proc);
    expect(parsed.errors).toEqual([]);
    const service = parsed.value.services[0];
    expect(service?.scheduler).toBe("twos");
    expect(service?.realServers.map((rs) => rs.weight)).toContain(2147483647);
  });
});
