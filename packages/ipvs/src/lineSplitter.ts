/** Longest line a stream reader keeps; real rows are under 200 characters, so more is garbage. */
export const DEFAULT_MAX_LINE_LENGTH = 4096;

/** Receives each complete line (without its newline) and its 1-based number; `overlong` lines are clipped. */
export type LineHandler = (text: string, line: number, overlong: boolean) => void;

/** Feeds arbitrary text chunks in, calls back once per complete line; holds at most one partial line. */
export interface LineSplitter {
  push(chunk: string): void;
  finish(): void;
  /** Characters of the partial last line currently held (bounded by the maximum line length). */
  pendingLength(): number;
}

/** Creates a line splitter whose memory is bounded by `maxLineLength`, whatever the input. */
export function createLineSplitter(onLine: LineHandler, maxLineLength = DEFAULT_MAX_LINE_LENGTH): LineSplitter {
  let pending = "";
  let overlong = false;
  let lineNumber = 0;
  const emit = (text: string): void => {
    lineNumber += 1;
    onLine(text.endsWith("\r") ? text.slice(0, -1) : text, lineNumber, overlong);
    overlong = false;
  };
  const keep = (text: string): void => {
    if (text.length > maxLineLength) {
      // Keep only a prefix so an endless line cannot grow the buffer; the line is reported, not read.
      pending = text.slice(0, maxLineLength);
      overlong = true;
    } else {
      pending = text;
    }
  };
  return {
    push(chunk) {
      let start = 0;
      let newline = chunk.indexOf("\n");
      if (newline < 0) {
        keep(overlong ? pending : pending + chunk);
        return;
      }
      emit(overlong ? pending : pending + chunk.slice(0, newline));
      start = newline + 1;
      while ((newline = chunk.indexOf("\n", start)) >= 0) {
        const line = chunk.slice(start, newline);
        if (line.length > maxLineLength) overlong = true;
        emit(line.length > maxLineLength ? line.slice(0, maxLineLength) : line);
        start = newline + 1;
      }
      pending = "";
      keep(chunk.slice(start));
    },
    finish() {
      if (pending !== "" || overlong) emit(pending);
      pending = "";
      overlong = false;
    },
    pendingLength: () => pending.length,
  };
}
