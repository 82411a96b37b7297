import { describe, expect, it } from "vitest";
import { optionDefaults, resolveOptions } from "./cliOptions";

describe("resolveOptions", () => {
  it("takes the command line over the config file over the defaults", () => {
    const resolved = resolveOptions({ "tick-ms": "2000" }, { "tick-ms": "500", director: "lvs-dir-01", ipvsadm: "/usr/sbin/ipvsadm" });
    expect(resolved).toMatchObject({ "tick-ms": "2000", director: "lvs-dir-01", ipvsadm: "/usr/sbin/ipvsadm", "weight-mode": optionDefaults["weight-mode"] });
  });

  it("replaces the file's list of a repeatable option when the command line gives it", () => {
    const file = { "keepalived-fifo": ["/run/keepalived/vrrp.fifo", "/run/keepalived/all.fifo"] };
    expect(resolveOptions({ "keepalived-fifo": ["/tmp/test.fifo"] }, file)["keepalived-fifo"]).toEqual(["/tmp/test.fifo"]);
    expect(resolveOptions({}, file)["keepalived-fifo"]).toEqual(file["keepalived-fifo"]);
  });
});
