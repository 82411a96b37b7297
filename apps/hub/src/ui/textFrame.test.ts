import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { textFrame } from "./textFrame";

/** ws's own framing, which the hub's must match byte for byte: its header, then its payload. */
const { frame: wsFrame } = (createRequire(import.meta.url)("ws") as { Sender: {
  frame(data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }): Buffer[];
} }).Sender;

describe("textFrame", () => {
  // Each length encoding and both sides of its bounds: 7 bits up to 125, 16 bits up to 65535, 64 bits above.
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 200_000])("frames a %i-byte message as ws does", (length) => {
    const payload = Buffer.alloc(length, "é".charCodeAt(0) % 128);
    const expected = Buffer.concat(wsFrame(payload, { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false }));
    expect(textFrame(payload).equals(expected)).toBe(true);
  });

  it("carries the payload's bytes, not its characters", () => {
    const payload = Buffer.from(JSON.stringify({ instance: "VI_é→✓".repeat(30) }));
    const frame = textFrame(payload);
    expect(frame[1]).toBe(126);
    expect(frame.readUInt16BE(2)).toBe(payload.length);
    expect(frame.subarray(4).toString("utf8")).toBe(payload.toString("utf8"));
  });
});
