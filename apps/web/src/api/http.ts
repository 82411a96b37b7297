import { apiErrorSchema, describeIssues, type ApiError, type ParseOutcome } from "@lvsdeck/protocol";

/** Anything that narrows `unknown` the way a zod schema's `safeParse` does. */
export interface SchemaLike<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: Parameters<typeof describeIssues>[0] };
}

/** Narrows a response body: a schema from @lvsdeck/protocol, or a function for bodies it has none for. */
export type Narrow<T> = SchemaLike<T> | ((body: unknown) => ParseOutcome<T>);

/** A REST call that failed: an HTTP error with the hub's own message, a bad body, or no answer at all. */
export class ApiRequestError extends Error {
  override readonly name = "ApiRequestError";
  constructor(
    message: string,
    /** HTTP status, or null when the request never got an answer. */
    readonly status: number | null,
    /** Offending fields of a validation error, as the hub listed them. */
    readonly issues: ApiError["issues"] = undefined,
  ) {
    super(message);
  }
}

function narrow<T>(narrower: Narrow<T>, body: unknown): ParseOutcome<T> {
  if (typeof narrower === "function") return narrower(body);
  const result = narrower.safeParse(body);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: describeIssues(result.error) };
}

async function readJson(response: Response, url: string): Promise<unknown> {
  const text = await response.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiRequestError(`${url}: HTTP ${response.status}, body is not JSON`, response.status);
  }
}

async function send<T>(url: string, init: RequestInit, narrower: Narrow<T>): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { accept: "application/json", ...init.headers } });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiRequestError(`hub unreachable: ${(err as Error).message}`, null);
  }
  const body = await readJson(response, url);
  if (!response.ok) {
    const apiError = apiErrorSchema.safeParse(body);
    const message = apiError.success ? apiError.data.error : `HTTP ${response.status} ${response.statusText}`;
    throw new ApiRequestError(message, response.status, apiError.success ? apiError.data.issues : undefined);
  }
  const outcome = narrow(narrower, body);
  if (!outcome.ok) {
    console.warn(`[lvsdeck] unexpected response from ${url}: ${outcome.error}`);
    throw new ApiRequestError(`unexpected response from ${url}: ${outcome.error}`, response.status);
  }
  return outcome.value;
}

/** GETs a JSON body and narrows it. */
export function getJson<T>(url: string, narrower: Narrow<T>, signal?: AbortSignal): Promise<T> {
  return send(url, signal === undefined ? {} : { signal }, narrower);
}

/** POSTs `body` as JSON and narrows the answer. */
export function postJson<T>(url: string, body: unknown, narrower: Narrow<T>): Promise<T> {
  return send(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, narrower);
}
