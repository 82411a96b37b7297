import type { NextFunction, Request, Response } from "express";
import type { Role } from "@lvsdeck/protocol";
import type { AuthStore } from "./authStore";
import { authenticate, hasRole, type Principal } from "./principal";
import { fail } from "../routes/validate";

/** The authenticated caller of a request (set by {@link requireAuth}). */
export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

/** Answers 401 unless the request carries a live session or wall token. */
export function requireAuth(store: AuthStore) {
  // Express 5 hands a rejected promise (the database away) to the error handler: a 500, never a pass.
  return async (req: Request, res: Response, next: NextFunction) => {
    const principal = await authenticate(req, store);
    if (!principal) return fail(res, 401, "sign in first (no valid session or token)");
    res.locals.principal = principal;
    next();
  };
}

/** Answers 403 unless the caller is a user with at least `role`. */
export function requireRole(role: Role) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const principal = principalOf(res);
    if (!hasRole(principal, role)) {
      const who = principal.kind === "wall" ? "a read-only wall token" : `role ${principal.user.role}`;
      return fail(res, 403, `${who} may not do this; it needs role ${role}`);
    }
    next();
  };
}
