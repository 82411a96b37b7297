// Every frame an agent sends is masked (RFC 6455 requires it of clients), and the hub unmasks each byte it
// receives: at 200 directors that is megabytes a second. ws does it with the native helper bufferutil when
// it can load one beside it, otherwise a byte at a time in JavaScript (about 40x slower, several per cent
// of a loaded hub's event loop). The hub depends on bufferutil; this holds ws to finding it.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

describe("the hub's WebSocket library", () => {
  it("finds the native unmasking helper (bufferutil) from where the hub loads it", () => {
    const fromWs = createRequire(createRequire(import.meta.url).resolve("ws"));
    const { unmask } = fromWs("bufferutil") as { unmask(buffer: Buffer, mask: Buffer): void };
    const data = Buffer.from("lvsdeck agent frame, masked");
    const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
    const masked = Buffer.from(data.map((byte, i) => byte ^ mask[i % 4]!));
    unmask(masked, mask);
    expect(masked.toString()).toBe(data.toString());
  });
});
