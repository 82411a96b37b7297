// Narrowing helpers for keepalived's JSON: the dump is untrusted input and is checked field by field.

/** A JSON object, as far as the parser needs to know. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** True for a plain JSON object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads a finite number field, or null. */
export function numberField(object: JsonObject, key: string): number | null {
  const value = object[key];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Reads a string field, or null. */
export function stringField(object: JsonObject, key: string): string | null {
  const value = object[key];
  return typeof value === "string" ? value : null;
}

/** Reads a boolean field; keepalived prints some flags as 0/1 and others as true/false. */
export function flagField(object: JsonObject, key: string): boolean | null {
  const value = object[key];
  if (typeof value === "boolean") return value;
  if (value === 0 || value === 1) return value === 1;
  return null;
}

/** Reads an array of strings, or null when absent or of another shape. */
export function stringArrayField(object: JsonObject, key: string): string[] | null {
  const value = object[key];
  return Array.isArray(value) && value.every((item) => typeof item === "string") ? (value as string[]) : null;
}
