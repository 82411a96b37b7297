/** Longest line kept in memory; keepalived lines are under 600 bytes, so more means a broken stream. */
export const MAX_LINE_LENGTH = 64 * 1024;

/** Options for {@link createLineSplitter}. */
export interface LineSplitterOptions {
  /** Longest partial line buffered before it is emitted as is (default {@link MAX_LINE_LENGTH}). */
  readonly maxLineLength?: number;
}

/** Turns a FIFO byte stream, delivered in arbitrary chunks, into whole lines. */
export interface LineSplitter {
  /** Feeds one chunk; returns the lines it completed, without their newline. */
  push(chunk: string | Uint8Array): string[];
  /** Ends the stream; returns the unterminated tail, if any (a writer died mid-line). */
  flush(): string | null;
}

/** Creates a splitter that carries partial lines (and split UTF-8 sequences) across chunks. */
export function createLineSplitter(options: LineSplitterOptions = {}): LineSplitter {
  const maxLineLength = options.maxLineLength ?? MAX_LINE_LENGTH;
  // stream: true keeps a multi-byte character that straddles two reads intact.
  const decoder = new TextDecoder("utf-8");
  let pending = "";

  return {
    push(chunk) {
      pending += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      if (pending.length > maxLineLength) {
        // Emitted rather than dropped so the parser reports it as a garbled line: the buffer stays bounded
        // and nothing disappears silently.
        parts.push(pending);
        pending = "";
      }
      return parts;
    },
    flush() {
      const tail = pending + decoder.decode();
      pending = "";
      return tail === "" ? null : tail;
    },
  };
}
