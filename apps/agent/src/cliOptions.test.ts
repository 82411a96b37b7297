import { describe, expect, it } from "vitest";
import { optionDefaults, parseHubUrls, resolveOptions } from "./cliOptions";

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

describe("--hub", () => {
  it("takes one hub, a comma-separated list, or repeated flags, in order and without repeats", () => {
    expect(parseHubUrls(["http://hub:8080"])).toEqual({ urls: ["http://hub:8080"] });
    expect(parseHubUrls(["https://hub-1:8443, https://hub-2:8443", "https://hub-3:8443", "https://hub-1:8443"])).toEqual({
      urls: ["https://hub-1:8443", "https://hub-2:8443", "https://hub-3:8443"],
    });
  });

  it("says what is wrong with a value it cannot use", () => {
    expect(parseHubUrls(undefined)).toEqual({ error: "--hub is required" });
    expect(parseHubUrls([" , "])).toEqual({ error: "--hub is required" });
    expect(parseHubUrls(["hub:8080x"])).toEqual({ error: "--hub hub:8080x: the hub is reached over http:// or https://" });
    expect(parseHubUrls(["http://hub:8080", "not a url"])).toEqual({ error: "--hub not a url: not a URL (e.g. http://hub.example:8080)" });
  });
});
