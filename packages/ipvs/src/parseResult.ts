import { detach } from "./textLines";

/** A line a parser could not read: its 1-based number, its text, and why. */
export interface ParseError {
  line: number;
  text: string;
  message: string;
}

/** What every parser returns: the table it could read, plus one error per line it could not. */
export interface ParseResult<T> {
  value: T;
  errors: ParseError[];
}

// Error texts are echoed into logs and the UI; a hostile or binary line must not flood them.
const MAX_ERROR_TEXT = 200;

/** Builds a parse error, clipping very long line text. */
export function lineError(line: number, text: string, message: string): ParseError {
  return { line, text: detach(text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text), message };
}
