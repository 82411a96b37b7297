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

/** Receives each complete line as `text[start, end)` (no newline, no CR), so no line is copied out of its chunk. */
export type RangeHandler = (text: string, start: number, end: number, line: number, overlong: boolean) => void;

const CR = 13;

/** Creates a line splitter whose memory is bounded by `maxLineLength`, whatever the input. */
export function createLineSplitter(onLine: LineHandler, maxLineLength = DEFAULT_MAX_LINE_LENGTH): LineSplitter {
  return createRangeSplitter((text, start, end, line, overlong) => onLine(start === 0 && end === text.length ? text : text.slice(start, end), line, overlong), maxLineLength);
}

/** Like `createLineSplitter`, but hands each line over as a range of the chunk it arrived in. */
export function createRangeSplitter(onLine: RangeHandler, maxLineLength = DEFAULT_MAX_LINE_LENGTH): LineSplitter {
  let pending = "";
  let overlong = false;
  let lineNumber = 0;
  const emit = (text: string, start: number, end: number): void => {
    lineNumber += 1;
    onLine(text, start, end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end, lineNumber, overlong);
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
      let newline = chunk.indexOf("\n");
      if (newline < 0) {
        keep(overlong ? pending : pending + chunk);
        return;
      }
      // The line's start was held back: with its end it may now be too long, whatever the chunking.
      if (!overlong) keep(pending + chunk.slice(0, newline));
      emit(pending, 0, pending.length);
      let start = newline + 1;
      while ((newline = chunk.indexOf("\n", start)) >= 0) {
        if (newline - start > maxLineLength) overlong = true;
        emit(chunk, start, overlong ? start + maxLineLength : newline);
        start = newline + 1;
      }
      pending = "";
      keep(chunk.slice(start));
    },
    finish() {
      if (pending !== "" || overlong) emit(pending, 0, pending.length);
      pending = "";
      overlong = false;
    },
    pendingLength: () => pending.length,
  };
}
