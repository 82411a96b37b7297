import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createConnectionQuery, queryConnections } from "./queryConnections";

const lnc = readFileSync(new URL("../fixtures/real/ipvsadm-Lnc.txt", import.meta.url), "utf8");
const proc = readFileSync(new URL("../fixtures/real/proc-ip_vs_conn.txt", import.meta.url), "utf8");

describe("queryConnections", () => {
  it("filters by client prefix, VIP, real server and state, with the total matched", () => {
    expect(queryConnections(lnc, { filter: { state: "TIME_WAIT" } }).total).toBe(41);
    expect(queryConnections(lnc, { filter: { vip: "10.0.0.100:80" } }).total).toBe(31);
    expect(queryConnections(lnc, { filter: { vip: "TCP [2001:db8::100]:80" } }).total).toBe(10);
    expect(queryConnections(lnc, { filter: { realServer: "10.0.0.11:8080", state: ["ASSURED"] } }).total).toBe(3);
    expect(queryConnections(lnc, { filter: { realServer: "10.0.0.13" } }).total).toBe(12);
    expect(queryConnections(proc, { filter: { client: "2001:db8:50::", state: "SYN_RECV" } }).total).toBe(4);
    const page = queryConnections(lnc, { filter: { client: "192.168.50.11" }, limit: 3 });
    expect(page.rows.every((r) => r.client.address === "192.168.50.11")).toBe(true);
    expect(page.rows[0]?.expiresSec).toBeTypeOf("number");
  });

  it("pages through a stream keeping only the requested page", () => {
    const all = queryConnections(lnc, { limit: 1000 });
    expect(all.total).toBe(58);
    const query = createConnectionQuery({ offset: 50, limit: 5 });
    for (let i = 0; i < lnc.length; i += 37) query.push(lnc.slice(i, i + 37));
    const page = query.finish();
    expect(page.total).toBe(58);
    expect(page.rows).toHaveLength(5);
    expect(page.rows).toEqual(all.rows.slice(50, 55));
    expect(queryConnections(lnc, { offset: 56, limit: 5 }).rows).toHaveLength(2);
  });
});
