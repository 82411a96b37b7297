import { describe, expect, it } from "vitest";
import { mergeIpvsTables } from "./mergeIpvsTables";
import { parseIpvsadmList } from "./parseIpvsadmList";
import { parseIpvsadmStats } from "./parseStats";

const LIST = "TCP  10.0.0.1:80 wrr\n  -> 10.0.0.2:80                  Route   3      1          2\nTCP  10.0.0.1:81 twos\n  -> 10.0.0.2:81                  Route   1      0          0\n";
const STATS = "TCP  10.0.0.1:80                    1K        2        3        4        5\n  -> 10.0.0.9:80                     1        2        3        4        5\nUDP  10.0.0.1:53                      1        2        3        4        5\n";

describe("mergeIpvsTables", () => {
  it("reports rows missing from one listing, truncated counters and unknown schedulers, carrying the scheduler as printed", () => {
    const { value, errors } = mergeIpvsTables({ list: parseIpvsadmList(LIST).value, stats: parseIpvsadmStats(STATS).value }, { health: "up", weightMode: "keepalived" });
    expect(value.map((s) => [s.key, s.scheduler])).toEqual([["TCP 10.0.0.1:80", "wrr"], ["TCP 10.0.0.1:81", "twos"]]);
    expect(value[0]?.stats.conns).toBe(1000);
    expect(value[0]?.realServers[0]).toMatchObject({ weight: 3, activeConns: 1, inactiveConns: 2, stats: { conns: 0 }, health: "up", weightSource: "config", weightMode: "keepalived" });
    expect(errors.map((e) => [e.serviceKey, e.realServerKey, e.message.split(" ")[0]])).toEqual([
      ["TCP 10.0.0.1:80", null, "--stats"],
      ["TCP 10.0.0.1:80", "10.0.0.2:80", "missing"],
      ["TCP 10.0.0.1:81", null, "scheduler"],
      ["TCP 10.0.0.1:81", null, "missing"],
      ["TCP 10.0.0.1:81", "10.0.0.2:81", "missing"],
      ["UDP 10.0.0.1:53", null, "in"],
    ]);
  });
});
