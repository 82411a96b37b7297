import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { notifyEvents, parseNotifyArgs, parseNotifyLine } from "./parseNotifyLine";

function readFixture(path: string): string {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8");
}

const realFifoFiles = ["a.vrrp_notify_fifo.txt", "b.vrrp_notify_fifo.txt", "a.notify_fifo.txt", "b.notify_fifo.txt"];

describe("parseNotifyLine on lines captured from keepalived 2.2.7", () => {
  it("parses every captured FIFO line", () => {
    for (const file of realFifoFiles) {
      for (const line of readFixture(`real/${file}`).trimEnd().split("\n")) {
        expect(parseNotifyLine(line), `${file}: ${line}`).toMatchObject({ ok: true });
      }
    }
  });

  it("reads an instance name with a space, its state and effective priority", () => {
    expect(parseNotifyLine('INSTANCE "VI web" MASTER_RX_LOWER_PRI 200')).toEqual({
      ok: true,
      value: { kind: "vrrp", scope: "INSTANCE", name: "VI web", event: "MASTER_RX_LOWER_PRI", priority: 200 },
    });
    expect(parseNotifyLine('GROUP "G web" FAULT 0\n')).toEqual({
      ok: true,
      value: { kind: "vrrp", scope: "GROUP", name: "G web", event: "FAULT", priority: 0 },
    });
  });

  it("sees the captured failover on b: FAULT, then MASTER after a stopped, then DELETED on reload", () => {
    const events = readFixture("real/b.vrrp_notify_fifo.txt")
      .trimEnd()
      .split("\n")
      .map(parseNotifyLine)
      .flatMap((result) => (result.ok && result.value.kind === "vrrp" ? [`${result.value.name} ${result.value.event}`] : []));
    expect(events.slice(3, 7)).toEqual(["VI_1 BACKUP_PRIORITY", "VI_1 FAULT", "VI web FAULT", "G web FAULT"]);
    expect(events.slice(10, 13)).toEqual(["VI web MASTER", "VI_1 MASTER", "G web MASTER"]);
    expect(events.slice(-3)).toEqual(["VI web DELETED", "VI_1 STOP", "G web STOP"]);
  });
});

describe("parseNotifyLine on every state keepalived can write", () => {
  it.each(notifyEvents)("INSTANCE and GROUP lines with %s", (event) => {
    expect(parseNotifyLine(`INSTANCE "VI_1" ${event} 150`)).toMatchObject({ ok: true, value: { event, priority: 150 } });
    expect(parseNotifyLine(`GROUP "VG_1" ${event} 0`)).toMatchObject({ ok: true, value: { scope: "GROUP", event } });
  });

  it("keeps quotes inside an unescaped name", () => {
    expect(parseNotifyLine('INSTANCE "say "hi" there" BACKUP 100')).toMatchObject({ ok: true, value: { name: 'say "hi" there' } });
  });

  it("reads the generic notify script's four trailing arguments", () => {
    expect(parseNotifyArgs(["/etc/keepalived/notify.sh", "INSTANCE", "VI web", "MASTER", "200"])).toMatchObject({
      ok: true,
      value: { name: "VI web", event: "MASTER", priority: 200 },
    });
  });
});

describe("parseNotifyLine on checker lines", () => {
  it("reads a virtual server's quorum by address, fwmark and group", () => {
    expect(parseNotifyLine("VS [10.0.0.100]:tcp:80 UP")).toEqual({
      ok: true,
      value: { kind: "virtual-server", virtualServer: { kind: "address", address: "10.0.0.100", protocol: "tcp", port: 80 }, up: true },
    });
    expect(parseNotifyLine("VS FWM 7 DOWN")).toMatchObject({ ok: true, value: { virtualServer: { kind: "fwmark", fwmark: 7 }, up: false } });
    expect(parseNotifyLine("VS [my group]:0 UP")).toMatchObject({ ok: true, value: { virtualServer: { kind: "group", group: "my group", port: 0 } } });
  });

  it("reads a real server's checker verdict, IPv4 and IPv6", () => {
    expect(parseNotifyLine("RS [192.168.1.10]:tcp:80 [10.0.0.100]:tcp:80 DOWN")).toMatchObject({
      ok: true,
      value: { kind: "real-server", realServer: { address: "192.168.1.10", protocol: "tcp", port: 80 }, up: false },
    });
    expect(parseNotifyLine("RS [2001:db8::10]:udp:53 FWM 9 UP")).toMatchObject({
      ok: true,
      value: { realServer: { address: "2001:db8::10", protocol: "udp", port: 53 }, virtualServer: { kind: "fwmark", fwmark: 9 }, up: true },
    });
  });
});

describe("parseNotifyLine on garbled input", () => {
  it.each([
    "",
    "INSTANCE VI_1 MASTER 200",
    'INSTANCE "VI_1" MASTERED 200',
    'INSTANCE "VI_1" MASTER',
    'INSTANCE "VI_1" MASTER 256',
    'INSTANCE "" MASTER 100',
    'NSTANCE "VI_1" MASTER 200',
    "VS [10.0.0.100]:tcp:80 SIDEWAYS",
    "VS [10.0.0.100]:tcp:99999 UP",
    "RS [not-an-ip]:tcp:80 [10.0.0.100]:tcp:80 UP",
    "RS [192.168.1.10]:tcp:80 UP",
  ])("returns a typed error naming %j", (line) => {
    const result = parseNotifyLine(line);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe("garbled");
      expect(result.error.line).toBe(line);
      expect(result.error.reason.length).toBeGreaterThan(0);
    }
  });

  it("never throws on random text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const result = parseNotifyLine(text);
        if (!result.ok) expect(result.error.line).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws on random text shaped like a notify line", () => {
    const shaped = fc.tuple(fc.constantFrom("INSTANCE ", "GROUP ", "VS ", "RS ", "VS [", "RS ["), fc.string(), fc.string());
    fc.assert(fc.property(shaped, ([head, middle, tail]) => void parseNotifyLine(`${head}${middle} ${tail}`)), { numRuns: 2000 });
  });
});
