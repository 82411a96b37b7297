import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parseIpvsadmConnections, parseIpvsadmList } from "@lvsdeck/ipvs";
import type { RealServerKey, ServiceKey } from "@lvsdeck/protocol";
import { createLogger } from "@lvsdeck/log";
import { createIpvsadmPart } from "../../../apps/agent/src/sources/ipvsadmPart";
import { CAPTURE_DIR, writeRecordedIpvsadm } from "./ipvsadmScript";
import { LAB_FWMARK_ADDRESS, rewriteCapture } from "./recordedIpvs";

const capture = (name: string) => readFileSync(join(CAPTURE_DIR, name), "utf8");
const VIPS = ["198.51.100.100", "198.51.100.101"];

describe("rewriteCapture", () => {
  it("moves the captured VIP, real servers and clients into the lab's ranges, and repeats the VIP's services per VIP", () => {
    const list = parseIpvsadmList(rewriteCapture(capture("ipvsadm-Ln.txt"), VIPS));
    expect(list.errors).toEqual([]);
    expect(list.value.services.map((s) => s.key)).toEqual([
      "TCP 198.51.100.100:80",
      "TCP 198.51.100.101:80",
      "UDP 198.51.100.100:53",
      "UDP 198.51.100.101:53",
      "TCP [2001:db8::100]:80",
      "FWM 10",
    ]);
    const web = list.value.services[1];
    expect(web?.scheduler).toBe("wrr");
    expect(web?.realServers.map((r) => [r.key, r.forwarding, r.weight])).toEqual([
      ["203.0.113.11:8080", "Masq", 3],
      ["203.0.113.12:8080", "Masq", 1],
      ["203.0.113.21:80", "Route", 0],
    ]);
  });

  it("keeps every connection entry, moved, with the VIP's entries repeated for the second VIP", () => {
    const text = rewriteCapture(capture("ipvsadm-Lnc.txt"), VIPS);
    expect(text).not.toMatch(/\b10\.0\.0\.|192\.168\.50\./);
    const entries = parseIpvsadmConnections(text);
    expect(entries.errors).toEqual([]);
    const original = parseIpvsadmConnections(capture("ipvsadm-Lnc.txt")).value;
    const toFirstVip = original.filter((e) => e.virtual.address === "10.0.0.100").length;
    expect(toFirstVip).toBeGreaterThan(0);
    expect(entries.value).toHaveLength(original.length + toFirstVip);
    expect(entries.value.filter((e) => e.virtual.address === "198.51.100.101")).toHaveLength(toFirstVip);
    expect(entries.value.some((e) => e.virtual.address === LAB_FWMARK_ADDRESS)).toBe(true);
    // Clients went from 192.168.50.N to 203.0.113.(100 + N), apart from the real servers' .11-.23.
    const ipv4Clients = entries.value.filter((e) => e.client.family === "inet").map((e) => e.client.address);
    expect(ipv4Clients.length).toBeGreaterThan(0);
    expect(ipv4Clients.every((a) => a.startsWith("203.0.113.") && Number(a.split(".")[3]) > 100)).toBe(true);
  });

  it("leaves a single-VIP lab with the capture's own services", () => {
    const keys = parseIpvsadmList(rewriteCapture(capture("ipvsadm-Ln.txt"), ["198.51.100.100"])).value.services.map((s) => s.key);
    expect(keys).toEqual(["TCP 198.51.100.100:80", "UDP 198.51.100.100:53", "TCP [2001:db8::100]:80", "FWM 10"]);
  });
});

describe("the recorded ipvsadm, driven by the agent's own ipvsadm source", () => {
  const dir = mkdtempSync(join(tmpdir(), "lvsdk-ipvsadm-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = writeRecordedIpvsadm(dir, VIPS);
  const part = createIpvsadmPart({ ipvsadm: script, log: createLogger("test", true) });
  const setWeight = (service: string, realServer: string, weight: number) => {
    if (part.setWeight === undefined) throw new Error("the ipvsadm part edits weights");
    return part.setWeight(service as ServiceKey, realServer as RealServerKey, weight);
  };
  const run = promisify(execFile);

  it("answers every listing the agent reads, with no parse errors", async () => {
    const reading = await part.readTable();
    expect(reading.services).toHaveLength(6);
    expect(reading.timeouts).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
    const web = reading.services.find((s) => s.key === "TCP 198.51.100.101:80");
    expect(web?.stats.conns).toBe(27);
    expect(web?.persistence?.timeoutSec).toBe(300);
  });

  it("applies ipvsadm -e to its own state: the weight is in -Ln, for that VIP's service only", async () => {
    const weight = await setWeight("TCP 198.51.100.101:80", "203.0.113.12:8080", 7);
    expect(weight).toBe(7);
    const reading = await part.readTable();
    const rs = (service: string) => reading.services.find((s) => s.key === service)?.realServers.find((r) => r.key === "203.0.113.12:8080");
    expect(rs("TCP 198.51.100.101:80")?.weight).toBe(7);
    expect(rs("TCP 198.51.100.101:80")?.forwarding).toBe("Masq");
    expect(rs("TCP 198.51.100.100:80")?.weight).toBe(1);
  });

  it("refuses an unknown real server the way the kernel does, and other commands clearly", async () => {
    await expect(setWeight("TCP 198.51.100.100:80", "203.0.113.99:80", 2)).rejects.toThrow();
    await expect(run(script, ["-e", "-t", "198.51.100.100:80", "-r", "203.0.113.99:80", "-g", "-w", "1"])).rejects.toMatchObject({ code: 255, stderr: "No such destination\n" });
    await expect(run(script, ["-A", "-t", "198.51.100.102:80", "-s", "rr"])).rejects.toMatchObject({ code: 255, stderr: expect.stringContaining("real IPVS is in the VM lab") });
  });
});
