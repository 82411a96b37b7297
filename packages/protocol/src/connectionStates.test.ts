import { describe, expect, it } from "vitest";
import { MAX_CONNECTION_STATES, connectionStatesSchema } from "./model";

describe("connection states of a real server", () => {
  it("takes the counts an agent sends", () => {
    const states = { ESTABLISHED: 120, TIME_WAIT: 0, SYN_RECV: 3, CLOSE_WAIT: 1 };
    expect(connectionStatesSchema.parse(states)).toEqual(states);
    expect(connectionStatesSchema.parse({})).toEqual({});
  });

  it.each([
    ["too many states", Object.fromEntries(Array.from({ length: MAX_CONNECTION_STATES + 1 }, (_, i) => [`S${i}`, 1]))],
    ["an empty name", { "": 1 }],
    ["a name over 16 characters", { ESTABLISHED_TOO_LONG: 1 }],
    ["a negative count", { ESTABLISHED: -1 }],
    ["a fraction", { ESTABLISHED: 1.5 }],
    ["a count past the safe integers", { ESTABLISHED: 2 ** 53 }],
    ["a count as text", { ESTABLISHED: "3" }],
    ["a list", [1, 2]],
    ["null", null],
  ])("refuses %s with a message that says what is allowed", (_label, value) => {
    const parsed = connectionStatesSchema.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(`at most ${MAX_CONNECTION_STATES} states, each named in 1 to 16 characters with a whole count of 0 or more`);
  });

  it("takes exactly the most states allowed", () => {
    const most = Object.fromEntries(Array.from({ length: MAX_CONNECTION_STATES }, (_, i) => [`S${i}`, i]));
    expect(connectionStatesSchema.safeParse(most).success).toBe(true);
  });
});
