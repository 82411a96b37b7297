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
    /** The hub's machine-readable reason (`needs-force`, `weight-changed`…) and, for `weight-changed`, the weight now. */
    readonly detail: Pick<ApiError, "code" | "currentWeight"> = {},
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

/** A wall display's token (`/wall?token=wall_…`), sent as a Bearer header on every REST call; null with a session cookie. */
let bearerToken: string | null = null;

/** Wall tokens as the hub issues them. */
const WALL_TOKEN = /^wall_[A-Za-z0-9_-]+$/;

/** The wall token in a page's query string, or null. */
export function parseWallToken(search: string): string | null {
  const token = new URLSearchParams(search).get("token");
  return token !== null && WALL_TOKEN.test(token) ? token : null;
}

/** Makes every later REST call carry `token` (or none, with null). */
export function setBearerToken(token: string | null): void {
  bearerToken = token;
}

/** The wall token REST calls carry, for the live socket to offer the same. */
export function currentBearerToken(): string | null {
  return bearerToken;
}

async function send<T>(url: string, init: RequestInit, narrower: Narrow<T>): Promise<T> {
  let response: Response;
  const auth: Record<string, string> = bearerToken === null ? {} : { authorization: `Bearer ${bearerToken}` };
  try {
    response = await fetch(url, { ...init, headers: { accept: "application/json", ...auth, ...init.headers } });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiRequestError(`hub unreachable: ${(err as Error).message}`, null);
  }
  const body = await readJson(response, url);
  if (!response.ok) {
    const apiError = apiErrorSchema.safeParse(body);
    const message = apiError.success ? apiError.data.error : `HTTP ${response.status} ${response.statusText}`;
    const detail = apiError.success ? { ...(apiError.data.code !== undefined && { code: apiError.data.code }), ...(apiError.data.currentWeight !== undefined && { currentWeight: apiError.data.currentWeight }) } : {};
    throw new ApiRequestError(message, response.status, apiError.success ? apiError.data.issues : undefined, detail);
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
  return sendJson("POST", url, body, narrower);
}

/** Sends `body` (if any) as JSON with `method` and narrows the answer. */
export function sendJson<T>(method: "POST" | "PUT" | "PATCH" | "DELETE", url: string, body: unknown, narrower: Narrow<T>): Promise<T> {
  return send(url, body === undefined ? { method } : { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, narrower);
}

/** True when the hub said the caller is not signed in (or the session ended). */
export function isUnauthorized(err: unknown): boolean {
  return err instanceof ApiRequestError && err.status === 401;
}
