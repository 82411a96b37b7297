import { describe, expect, it } from "vitest";
import { stateSummary } from "./connectionStates";

describe("stateSummary", () => {
  it("names the busiest states first and the rest in the title", () => {
    expect(stateSummary({ TIME_WAIT: 12, ESTABLISHED: 20, SYN_RECV: 3, FIN_WAIT: 1 })).toEqual({
      text: "ESTABLISHED 20 · TIME_WAIT 12 · +2",
      title: "connection entries by state: ESTABLISHED 20, TIME_WAIT 12, SYN_RECV 3, FIN_WAIT 1",
    });
  });
  it("tells counted-and-empty from not counted", () => {
    expect(stateSummary({})?.text).toBe("no entries");
    expect(stateSummary(undefined)).toBeNull();
  });
});
