import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseIpvsadmDaemon } from "./parseDaemon";
import { createSyncOriginCounter } from "./syncOrigins";

describe("ipvsadm -L --daemon", () => {
  it("reads a master and a backup daemon with every field ipvsadm prints", () => {
    const text = [
      "master sync daemon (mcast=eth0, syncid=1, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)",
      "backup sync daemon (mcast=eth1, syncid=2)",
      "",
    ].join("\n");
    const parsed = parseIpvsadmDaemon(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.value).toEqual([
      { role: "master", interface: "eth0", syncId: 1, maxlen: 1472, group: "224.0.0.81", port: 8848, ttl: 1 },
      { role: "backup", interface: "eth1", syncId: 2, maxlen: null, group: null, port: null, ttl: null },
    ]);
  });

  it("reads no daemon from empty output, and an IPv6 group", () => {
    expect(parseIpvsadmDaemon("")).toEqual({ value: [], errors: [] });
    expect(parseIpvsadmDaemon("backup sync daemon (mcast=bond0.12, syncid=0, group=ff02::12)\n").value[0]).toMatchObject({ interface: "bond0.12", syncId: 0, group: "ff02::12" });
  });

  it("names a garbled line and keeps the good one", () => {
    const parsed = parseIpvsadmDaemon("master sync daemon (mcast=eth0, syncid=999)\nsomething else\nbackup sync daemon (mcast=eth0, syncid=3)\nbackup sync daemon (mcast=eth0, syncid=4)\n");
    expect(parsed.value).toEqual([{ role: "backup", interface: "eth0", syncId: 3, maxlen: null, group: null, port: null, ttl: null }]);
    expect(parsed.errors.map((e) => [e.line, e.message])).toEqual([
      [1, expect.stringMatching(/syncid=0-255/)],
      [2, expect.stringMatching(/expected 'master\|backup sync daemon/)],
      [4, "a second backup sync daemon"],
    ]);
  });
});

describe("/proc/net/ip_vs_conn_sync origins", () => {
  // The kernel's format: "%-3s %08X %04X %08X %04X %s %04X %-11s %-6s %7u".
  const table = [
    "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires",
    "TCP CB007107 C93A C6336464 0050 CB00710B 0050 ESTABLISHED LOCAL      898",
    "TCP CB007109 C990 C6336464 0050 CB00710C 0050 ESTABLISHED SYNC       170",
    "TCP CB00710A C991 C6336464 0050 CB00710C 0050 FIN_WAIT    SYNC        61",
    "TCP CB007109 0000 C6336464 0050 CB00710C 0050 NONE        SYNC       300",
    "TCP 2001:0db8:0001:0000:0000:0000:0000:0007 9C40 2001:0db8:0000:0000:0000:0000:0000:0100 0050 2001:0db8:0000:0000:0000:0000:0000:0010 0050 SYN_RECV    LOCAL        59",
    "TCP CB007107 C93A C6336464 0050 CB00710B 0050 ESTABLISHED     898",
    "",
  ].join("\n");

  it("counts local and synced connections apart from templates, in any chunking", () => {
    for (const size of [7, 64, table.length]) {
      const counter = createSyncOriginCounter();
      for (let i = 0; i < table.length; i += size) counter.push(table.slice(i, i + size));
      expect(counter.finish()).toEqual({
        local: 2,
        synced: 2,
        templates: 1,
        unreadable: 1,
        firstUnreadable: "TCP CB007107 C93A C6336464 0050 CB00710B 0050 ESTABLISHED     898",
      });
    }
  });
});

describe("connection sync as a real kernel and ipvsadm 1.31 print it (VM lab capture)", () => {
  const real = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/real/sync-${name}`, import.meta.url)), "utf8");
  const count = (text: string) => {
    const counter = createSyncOriginCounter();
    counter.push(text);
    return counter.finish();
  };
  /** Rows by origin and template, counted the plain way: split on whitespace. */
  const oracle = (text: string) => {
    const rows = text.split("\n").slice(1).filter((l) => l.trim() !== "").map((l) => l.trim().split(/\s+/));
    return { local: rows.filter((r) => r[8] === "LOCAL" && r[2] !== "0000").length, synced: rows.filter((r) => r[8] === "SYNC" && r[2] !== "0000").length, templates: rows.filter((r) => r[2] === "0000").length };
  };

  it("reads the MASTER's master daemon and the BACKUP's backup daemon with the kernel's defaults", () => {
    expect(parseIpvsadmDaemon(real("lvs-dir-01-ipvsadm-L-daemon.txt"))).toEqual({ value: [{ role: "master", interface: "front", syncId: 88, maxlen: 1472, group: "224.0.0.81", port: 8848, ttl: 1 }], errors: [] });
    expect(parseIpvsadmDaemon(real("lvs-dir-02-ipvsadm-L-daemon.txt")).value).toEqual([{ role: "backup", interface: "front", syncId: 88, maxlen: 1472, group: "224.0.0.81", port: 8848, ttl: 1 }]);
  });

  it("counts the MASTER's entries as local and the BACKUP's as synced, exactly as the rows say", () => {
    const master = real("lvs-dir-01-proc-ip_vs_conn_sync.txt");
    const backup = real("lvs-dir-02-proc-ip_vs_conn_sync.txt");
    expect(count(master)).toEqual({ ...oracle(master), unreadable: 0, firstUnreadable: null });
    expect(count(backup)).toEqual({ ...oracle(backup), unreadable: 0, firstUnreadable: null });
    expect(count(master).synced).toBe(0);
    expect(count(backup)).toMatchObject({ local: 0, synced: 418, templates: 1 });
  });
});
