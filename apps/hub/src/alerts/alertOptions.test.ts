import { describe, expect, it } from "vitest";
import { parseAlertOptions } from "./alertOptions";

describe("--alert-option", () => {
  it("reads rule thresholds by name", () => {
    expect(parseAlertOptions(["synFloodMin=500", "halfOpenShare=0.3", "timeWaitFactor=8"])).toEqual({ options: { synFloodMin: 500, halfOpenShare: 0.3, timeWaitFactor: 8 } });
    expect(parseAlertOptions([])).toEqual({ options: {} });
  });

  it("names what is wrong: an unknown option or a value that is no number of 0 or more", () => {
    expect(parseAlertOptions(["synFloodMinimum=5"])).toEqual({ error: expect.stringMatching(/^--alert-option synFloodMinimum=5: no option "synFloodMinimum" \(options: .*synFloodMin/) as string });
    expect(parseAlertOptions(["timeWaitMin=-1"])).toEqual({ error: "--alert-option timeWaitMin=-1: the value must be a number of 0 or more" });
    expect(parseAlertOptions(["timeWaitMin="])).toMatchObject({ error: expect.stringContaining("must be a number") as string });
  });
});
