// Shared reading of keepalived's `conf_write` dumps (/tmp/keepalived.data, keepalived_check.data):
// section headers, then blocks whose lines are indented 1, 3 and 5 spaces.

/** One `------< Title >------` section with the lines under it. */
export interface DumpSection {
  readonly title: string;
  readonly lines: readonly string[];
}

const sectionHeader = /^------< (.+) >------$/;

/** Splits a dump into its top-level sections; lines before the first header are ignored. */
export function splitSections(lines: readonly string[]): DumpSection[] {
  const sections: { title: string; lines: string[] }[] = [];
  for (const line of lines) {
    const header = sectionHeader.exec(line);
    if (header?.[1]) sections.push({ title: header[1], lines: [] });
    else sections.at(-1)?.lines.push(line);
  }
  return sections;
}

/** True when the first line is a section header, i.e. this looks like a keepalived dump at all. */
export function startsWithSection(lines: readonly string[]): boolean {
  return sectionHeader.test(lines[0] ?? "");
}

/** Splits section lines into blocks, each starting at a line for which `isStart` holds. */
export function splitBlocks(lines: readonly string[], isStart: (line: string) => boolean): string[][] {
  const blocks: string[][] = [];
  for (const line of lines) {
    if (isStart(line)) blocks.push([line]);
    else blocks.at(-1)?.push(line);
  }
  return blocks;
}

/** The `Key = value` fields and the item lists (`Header :` then deeper-indented items) of one block. */
export interface DumpBlock {
  readonly fields: ReadonlyMap<string, string>;
  readonly lists: ReadonlyMap<string, readonly string[]>;
}

const fieldIndent = "   ";
const itemIndent = "     ";

// "Virtual IP (2):" and "VRRP member instances :" both name a list; the count is not part of the name.
function listName(text: string): string {
  return text
    .replace(/\s*:$/, "")
    .replace(/\s*\(\d+\)$/, "")
    .trim();
}

/** Reads the fields of a block; the first occurrence of a key wins. */
export function readBlock(lines: readonly string[]): DumpBlock {
  const fields = new Map<string, string>();
  const lists = new Map<string, string[]>();
  let currentList: string[] | null = null;
  for (const line of lines) {
    if (line.startsWith(itemIndent) && currentList) {
      currentList.push(line.trim());
      continue;
    }
    if (!line.startsWith(fieldIndent) || line.startsWith(fieldIndent + " ")) continue;
    const text = line.slice(fieldIndent.length);
    const equals = text.indexOf(" = ");
    currentList = null;
    if (equals >= 0) {
      const key = text.slice(0, equals);
      if (!fields.has(key)) fields.set(key, text.slice(equals + 3));
    } else if (text.endsWith(":")) {
      currentList = [];
      lists.set(listName(text), currentList);
    }
  }
  return { fields, lists };
}

/** Reads a whole non-negative or negative integer, or null. */
export function intValue(text: string | undefined): number | null {
  return text !== undefined && /^-?\d{1,10}$/.test(text.trim()) ? Number(text.trim()) : null;
}
