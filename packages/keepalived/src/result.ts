/** The outcome of a parser: a value, or a typed error; parsers in this package never throw. */
export type ParseResult<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/** Why a dump could not be parsed: `incomplete` means keepalived was still writing it, so retry. */
export const dumpErrorKinds = ["incomplete", "invalid"] as const;
export type DumpErrorKind = (typeof dumpErrorKinds)[number];

/** A dump file that could not be turned into instances. */
export interface DumpError {
  readonly kind: DumpErrorKind;
  readonly message: string;
}

/** Builds a successful result. */
export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

/** Builds a failed result. */
export function fail<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}
