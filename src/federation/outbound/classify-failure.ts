/**
 * What a failed `/send` means for the batch. Errors are matched by `name`
 * (they may have crossed a worker boundary) and by their fields.
 *
 * - No answer (unreachable, timeout), 5xx, 429: try the same batch again later.
 * - 401: also later. Our own servers answer 401 when they cannot fetch our key
 *   yet (a key ring refetches at most once a minute, so a fresh rotation is
 *   refused for up to a minute); the batch is fine, the receiver is not ready.
 * - Any other 4xx: the receiver refused the transaction itself (bad JSON, too
 *   large, forbidden, unknown endpoint). The same bytes get the same answer,
 *   and the spec forbids moving on to another txnId before a 200, so keeping
 *   it would block the destination for good: drop it.
 * - A 2xx whose body we cannot read: it was accepted; only the per-PDU
 *   results are lost.
 * - Anything else is our bug, not the batch's fault: keep it and back off,
 *   since at-least-once means never dropping what might still be delivered.
 */

/** The decision for a failed send. */
export type FailureAction =
  | { action: 'retry'; reason: string; retryAfterMs?: number }
  | { action: 'drop'; reason: string }
  | { action: 'delivered'; reason: string };

/** HTTP statuses below 500 that still mean "try again later". */
const RETRYABLE_4XX = new Set([401, 408, 429]);

/** Classifies `error`, thrown by FederationClient.request for a `/send`. */
export function classifyFailure(error: unknown): FailureAction {
  const e = (error ?? {}) as {
    name?: unknown;
    message?: unknown;
    httpStatus?: unknown;
    retryAfterMs?: unknown;
  };
  const reason = typeof e.message === 'string' ? e.message : String(error);
  if (e.name === 'BadRemoteResponseError') return { action: 'delivered', reason };
  if (e.name === 'RemoteMatrixError' && typeof e.httpStatus === 'number') {
    if (e.httpStatus >= 500 || RETRYABLE_4XX.has(e.httpStatus)) {
      // `retryAfterMs` is read if the error carries it (429's retry_after_ms).
      return typeof e.retryAfterMs === 'number' && e.retryAfterMs >= 0
        ? { action: 'retry', reason, retryAfterMs: e.retryAfterMs }
        : { action: 'retry', reason };
    }
    return { action: 'drop', reason };
  }
  return { action: 'retry', reason };
}
