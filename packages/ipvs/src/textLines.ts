/** One input line with its 1-based number, as the table parsers walk them. */
export interface NumberedLine {
  line: number;
  text: string;
}

/** Splits command output into numbered lines, tolerating CRLF and a missing final newline. */
export function splitLines(text: string): NumberedLine[] {
  const lines = text.split("\n");
  // A trailing newline yields one empty last element that is not a line of output.
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.map((raw, index) => ({ line: index + 1, text: raw.endsWith("\r") ? raw.slice(0, -1) : raw }));
}

/** Splits a line on runs of whitespace; ipvsadm's columns overflow, so column positions mean nothing. */
export function tokenize(text: string): string[] {
  const trimmed = text.trim();
  return trimmed === "" ? [] : trimmed.split(/\s+/);
}

/** True when a line holds nothing but whitespace. */
export function isBlank(text: string): boolean {
  return text.trim() === "";
}

/**
 * A copy of `text` that no longer shares memory with the string it was sliced from. V8 keeps a
 * slice's whole parent alive, so a kept key or error text must not pin a 64 KiB chunk of input.
 */
export function detach(text: string): string {
  return ` ${text}`.slice(1);
}
