/**
 * One whole, unmasked WebSocket text frame (RFC 6455, section 5.2) carrying `payload`, which must be
 * UTF-8 JSON: FIN and opcode 1, then the length in 7, 16 or 64 bits, then the payload. A server's frames
 * are never masked, so these bytes are the same for every browser that gets the message. The hub builds
 * them once per message and writes them to each browser's TCP socket as they are, where `ws` would
 * measure, frame and queue the message again for every browser.
 */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, header);
  return frame;
}
