import type { Request, Response } from "express";
import type { z } from "zod";
import type { ApiError } from "@lvsdeck/protocol";

/** Narrows a request part with a schema, or answers 400 naming each offending field and returns null. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, res: Response): z.infer<S> | null {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message }));
  const body: ApiError = { error: `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues };
  res.status(400).json(body);
  return null;
}

/** Answers with an ApiError. */
export function fail(res: Response, status: number, error: string): void {
  res.status(status).json({ error } satisfies ApiError);
}

/** The request's body, or undefined when it had none. */
export function bodyOf(req: Request): unknown {
  return req.body;
}
