/**
 * True when `text` stops inside a string or before its outermost bracket closes, i.e. it looks like
 * the start of a JSON document that keepalived 2.2.7 has not finished writing (it renames, then writes).
 */
export function isUnterminatedJson(text: string): boolean {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let opened = false;
  for (const char of text) {
    if (inString) {
      if (escaped) escaped = false;
      else if (char === "\\") escaped = true;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === "[" || char === "{") {
      depth += 1;
      opened = true;
    } else if (char === "]" || char === "}") {
      depth -= 1;
    }
  }
  return inString || depth > 0 || !opened;
}
