import type { z } from "zod";

/** The result of narrowing untrusted input: the value, or a message naming what was wrong. */
export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** Formats zod issues as `path: message; ...`, naming each offending field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(frame)"}: ${issue.message}`)
    .join("; ");
}

/** Parses a text frame as JSON and narrows it with a schema; never throws. */
export function parseFrame<S extends z.ZodType>(schema: S, text: string): ParseOutcome<z.infer<S>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  const result = schema.safeParse(json);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: describeIssues(result.error) };
}
