// A WebSocket client for the bench's fake browsers that costs its thread as little as a socket can: one
// read buffer shared by every socket of the thread (net's `onread`, no stream and no Buffer per read), a
// frame reader that looks at each frame's first bytes and copies the rest only when asked to, pongs to
// the hub's pings, masked frames out. It speaks RFC 6455 over a real TCP socket with a real handshake;
// what it leaves out is what a browser does natively and fast (UTF-8 checks, a message object per
// frame). With `ws`, 500 browsers on one core spent most of the hub -> browser leg in this generator.
import { createHash, randomBytes } from "node:crypto";
import { connect } from "node:net";

/** Bytes of a frame's payload handed to `wants` before the rest is read. */
export const HEAD_BYTES = 32;
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export interface LeanHandlers {
  open(): void;
  /** Whether the whole payload of a text frame is wanted, from its first bytes and its length. */
  wants(head: Buffer, length: number): boolean;
  /** A text frame: its payload when wanted, else only its first bytes (the same buffer is reused). */
  message(length: number, head: Buffer, payload: Buffer | null): void;
  close(): void;
}

export interface LeanSocket {
  send(text: string): void;
  terminate(): void;
}

/** One thread's read buffer, shared by its sockets: each read is consumed before the next. */
const readBuffer = Buffer.allocUnsafe(256 * 1024);

/** A masked client frame (RFC 6455 5.3): text (0x1) or pong (0xA). */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const extended = payload.length < 126 ? 0 : 2;
  const frame = Buffer.allocUnsafe(2 + extended + 4 + payload.length);
  frame[0] = 0x80 | opcode;
  if (extended === 0) frame[1] = 0x80 | payload.length;
  else {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(payload.length, 2);
  }
  const mask = randomBytes(4);
  mask.copy(frame, 2 + extended);
  for (let i = 0; i < payload.length; i++) frame[2 + extended + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return frame;
}

/** Opens `url` (ws://host:port/path) from `localAddress` with `headers`; frames of up to 2^53 bytes. */
export function leanWebSocket(url: string, headers: Record<string, string>, localAddress: string, on: LeanHandlers): LeanSocket {
  const { hostname, port, pathname } = new URL(url);
  const key = randomBytes(16).toString("base64");
  const accept = createHash("sha1").update(key + GUID).digest("base64");
  let open = false;
  let closed = false;
  let response = "";
  // The frame being read: its header (up to 14 bytes), then its payload.
  const header = Buffer.alloc(14);
  let headerHave = 0;
  let opcode = 0;
  let length = -1;
  let read = 0;
  const head = Buffer.alloc(HEAD_BYTES);
  let payload: Buffer | null = null;
  let decided = false;

  const finish = () => {
    if (closed) return;
    closed = true;
    on.close();
  };
  const frameDone = () => {
    const headLength = Math.min(length, HEAD_BYTES);
    if (opcode === 0x9) socket.write(clientFrame(0xa, payload ?? head.subarray(0, headLength)));
    else if (opcode === 0x8) socket.destroy();
    else if (opcode === 0x1 || opcode === 0x2 || opcode === 0x0) on.message(length, head.subarray(0, headLength), payload);
    headerHave = 0;
    length = -1;
    read = 0;
    payload = null;
    decided = false;
  };
  /** How many header bytes this frame has: 2, plus 2 or 8 of extended length (server frames are not masked). */
  const headerSize = () => (headerHave < 2 ? 2 : (header[1]! & 0x7f) === 126 ? 4 : (header[1]! & 0x7f) === 127 ? 10 : 2);

  const frames = (buf: Buffer, from: number, to: number) => {
    let at = from;
    for (;;) {
      if (length < 0) {
        // The header, byte by byte until its size is known, then the rest of it.
        while (headerHave < headerSize() && at < to) header[headerHave++] = buf[at++]!;
        if (headerHave < headerSize()) return;
        opcode = header[0]! & 0x0f;
        const small = header[1]! & 0x7f;
        length = small === 126 ? header.readUInt16BE(2) : small === 127 ? Number(header.readBigUInt64BE(2)) : small;
      }
      // The payload: what this read holds of it (nothing, for an empty frame or a read that ended here).
      const take = Math.min(to - at, length - read);
      if (read < HEAD_BYTES) buf.copy(head, read, at, at + Math.min(take, HEAD_BYTES - read));
      if (payload !== null) buf.copy(payload, read, at, at + take);
      read += take;
      at += take;
      if (!decided && (read >= HEAD_BYTES || read === length)) {
        decided = true;
        // Control frames are small and always read whole; text frames when the caller wants them.
        const want = opcode >= 0x8 || on.wants(head.subarray(0, Math.min(length, HEAD_BYTES)), length);
        if (want) {
          payload = Buffer.allocUnsafe(length);
          head.copy(payload, 0, 0, Math.min(read, HEAD_BYTES));
          if (read > HEAD_BYTES) buf.copy(payload, HEAD_BYTES, at - (read - HEAD_BYTES), at);
        }
      }
      // Not whole yet: the rest comes in a later read.
      if (read < length) return;
      frameDone();
    }
  };

  const socket = connect({
    host: hostname,
    port: Number(port),
    localAddress,
    noDelay: true,
    onread: {
      buffer: readBuffer,
      // Node passes back `buffer` itself, so the shared Buffer is read.
      callback(n: number) {
        const buf = readBuffer;
        if (open) frames(buf, 0, n);
        else {
          response += buf.toString("latin1", 0, n);
          const end = response.indexOf("\r\n\r\n");
          if (end < 0) return true;
          if (!response.startsWith("HTTP/1.1 101") || !response.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)) {
            socket.destroy();
            return true;
          }
          open = true;
          const rest = Buffer.byteLength(response.slice(end + 4), "latin1");
          on.open();
          frames(buf, n - rest, n);
        }
        return true;
      },
    },
  });
  socket.on("connect", () => {
    const lines = [`GET ${pathname} HTTP/1.1`, `Host: ${hostname}:${port}`, "Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Key: ${key}`, "Sec-WebSocket-Version: 13",
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
    socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  });
  socket.on("close", finish);
  socket.on("error", () => undefined);
  return {
    send(text) {
      if (open && !closed) socket.write(clientFrame(0x1, Buffer.from(text)));
    },
    terminate() {
      socket.destroy();
    },
  };
}
