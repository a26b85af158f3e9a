/** The outcome of the authorization rules: allowed, or rejected with a reason for logs. */
export type AuthResult = { allowed: true } | { allowed: false; reason: string };

/** The one allowed result (shared: it carries no data). */
export const ALLOW: AuthResult = Object.freeze({ allowed: true });

/** A rejection with `reason`. */
export function reject(reason: string): AuthResult {
  return { allowed: false, reason };
}
