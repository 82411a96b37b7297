import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { citeConfigLine, formatConfigFileError, parseConfigFile } from "./configFile";
import type { ConfigFileResult } from "./configFile";

const PATH = "/etc/lvsdeck/agent.conf";

function errorOf(result: ConfigFileResult): string {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.config.values)}`);
  return formatConfigFileError(result.error);
}

function valuesOf(result: ConfigFileResult) {
  if (!result.ok) throw new Error(formatConfigFileError(result.error));
  return result.config.values;
}

describe("parseConfigFile", () => {
  it("reads key = value lines named like the long options, skipping comments and blank lines", () => {
    const text = [
      "# lvsdeck agent on lvs-dir-01",
      "",
      "hub = https://hub.example:8080",
      "director=lvs-dir-01",
      "   source =   ipvsadm,keepalived   ",
      "\t# indented comment",
      "tick-ms = 1000",
      "no-ip = true",
      "token-file = /etc/lvsdeck/agent.token",
    ].join("\n");
    expect(valuesOf(parseConfigFile(text, PATH))).toEqual({
      hub: ["https://hub.example:8080"],
      director: "lvs-dir-01",
      source: "ipvsadm,keepalived",
      "tick-ms": "1000",
      "no-ip": true,
      "token-file": "/etc/lvsdeck/agent.token",
    });
  });

  it("collects a repeatable key into a list, in file order", () => {
    const text = "keepalived-fifo = /run/keepalived/vrrp.fifo\nkeepalived-fifo = /run/keepalived/all.fifo\n";
    expect(valuesOf(parseConfigFile(text, PATH))).toEqual({ "keepalived-fifo": ["/run/keepalived/vrrp.fifo", "/run/keepalived/all.fifo"] });
  });

  it("keeps everything after the first '=' as the value, and reads CRLF files and a BOM", () => {
    const text = "\uFEFFhub = http://hub:8080/?a=b\r\ndirector = d1\r\n";
    expect(valuesOf(parseConfigFile(text, PATH))).toEqual({ hub: ["http://hub:8080/?a=b"], director: "d1" });
  });

  it("records the line each option was first set on", () => {
    const result = parseConfigFile("\n# x\ntick-ms = 10\nkeepalived-fifo = a\nkeepalived-fifo = b\n", PATH);
    expect(result.ok && result.config.lines).toEqual({ "tick-ms": 3, "keepalived-fifo": 4 });
  });

  it("names file and line for an unknown key, suggesting the dashed name for an underscore", () => {
    expect(errorOf(parseConfigFile("hub = x\n\ntick_ms = 1000\n", PATH))).toBe(
      `${PATH}:3: unknown key "tick_ms" (did you mean tick-ms?); keys are the long option names of lvsdeck-agent --help`,
    );
    expect(errorOf(parseConfigFile("frobnicate = 1\n", PATH))).toMatch(/^\/etc\/lvsdeck\/agent.conf:1: unknown key "frobnicate";/);
  });

  it("refuses a non-repeatable key given twice, naming both lines", () => {
    expect(errorOf(parseConfigFile("director = a\nhub = h\ndirector = b\n", PATH))).toBe(
      `${PATH}:3: director is set twice (first on line 1); only hub, vrrp-peer and keepalived-fifo may repeat`,
    );
    expect(errorOf(parseConfigFile("no-ip = true\nno-ip = false\n", PATH))).toMatch(/:2: no-ip is set twice/);
  });

  it("refuses malformed lines instead of skipping them", () => {
    expect(errorOf(parseConfigFile("hub = h\ndirector lvs-dir-01\n", PATH))).toBe(`${PATH}:2: expected "key = value", found "director lvs-dir-01"`);
    expect(errorOf(parseConfigFile("= value\n", PATH))).toBe(`${PATH}:1: no key before '='`);
    expect(errorOf(parseConfigFile("hub =\n", PATH))).toBe(`${PATH}:1: hub has no value`);
    expect(errorOf(parseConfigFile("--hub = h\n", PATH))).toBe(`${PATH}:1: write the key without dashes: hub = ...`);
  });

  it("refuses a trailing comment or quotes rather than folding them into the value", () => {
    expect(errorOf(parseConfigFile("tick-ms = 1000  # one second\n", PATH))).toMatch(/^\/etc\/lvsdeck\/agent.conf:1: comments go on a line of their own/);
    expect(errorOf(parseConfigFile('director = "lvs-dir-01"\n', PATH))).toMatch(/:1: write the value of director without quotes/);
  });

  it("accepts only true or false for a flag", () => {
    expect(errorOf(parseConfigFile("no-ip = yes\n", PATH))).toBe(`${PATH}:1: no-ip must be true or false, not "yes"`);
    expect(valuesOf(parseConfigFile("no-ip = false\n", PATH))).toEqual({ "no-ip": false });
  });

  it("keeps the token, help and config out of a config file", () => {
    expect(errorOf(parseConfigFile("token = agt_secret\n", PATH))).toMatch(/:1: the token does not belong in the config file: .* token-file = PATH$/);
    expect(errorOf(parseConfigFile("help = true\n", PATH))).toMatch(/:1: help is a command-line flag/);
    expect(errorOf(parseConfigFile("config = /etc/other.conf\n", PATH))).toMatch(/:1: a config file cannot name another config file/);
  });

  it("reads back any set of settings however the lines are spaced, commented and ordered", () => {
    const singles = ["director", "source", "tick-ms", "ipvsadm", "proc-root", "keepalived-json", "weight-mode"] as const;
    const value = fc.stringMatching(/^[A-Za-z0-9/:._,=-]{1,20}$/);
    const padding = fc.constantFrom("", " ", "  ", "\t");
    const setting = fc.tuple(fc.constantFrom(...singles), value, padding, padding, padding);
    fc.assert(
      fc.property(fc.uniqueArray(setting, { selector: ([key]) => key, maxLength: singles.length }), fc.array(fc.constantFrom("", "# c", "  #x = y")), (settings, noise) => {
        const lines = settings.map(([key, v, a, b, c]) => `${a}${key}${b}=${c}${v}${a}`);
        const text = [...noise, ...lines.flatMap((line, i) => [line, noise[i] ?? ""])].join("\n");
        expect(valuesOf(parseConfigFile(text, PATH))).toEqual(Object.fromEntries(settings.map(([key, v]) => [key, v])));
      }),
    );
  });
});

describe("citeConfigLine", () => {
  const parsed = parseConfigFile("director = d\ntick-ms = 10\n", PATH);
  const config = parsed.ok ? parsed.config : null;

  it("adds the file line an offending option came from", () => {
    expect(citeConfigLine("--tick-ms must be an integer >= 250", config, {})).toBe(`--tick-ms must be an integer >= 250 (${PATH}:2)`);
  });

  it("leaves the message alone when the command line set the option, or no file did", () => {
    expect(citeConfigLine("--tick-ms must be an integer >= 250", config, { "tick-ms": "10" })).toBe("--tick-ms must be an integer >= 250");
    expect(citeConfigLine("--hub is required", config, {})).toBe("--hub is required");
    expect(citeConfigLine("--tick-ms must be an integer >= 250", null, {})).toBe("--tick-ms must be an integer >= 250");
  });
});
