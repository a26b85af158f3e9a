/**
 * Failures to get any response at all. Callers match on `name` (errors lose
 * their class across the worker boundary) and on `retryable`: both of these
 * mean "try again later", never "the request was refused".
 */

/** The destination could not be reached: offline, partitioned, unknown, refused. */
export class TransportUnreachableError extends Error {
  override name = 'TransportUnreachableError';
  /** Sending again later may succeed. */
  readonly retryable = true;

  constructor(
    /** The server the request was for. */
    readonly destination: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${destination} is unreachable: ${reason}`, options);
  }
}

/**
 * No response within the time allowed. The request may or may not have been
 * processed (the response may be what was lost): delivery is at-least-once, so
 * endpoints are idempotent and a retry is safe.
 */
export class TransportTimeoutError extends Error {
  override name = 'TransportTimeoutError';
  /** Sending again later may succeed. */
  readonly retryable = true;

  constructor(
    /** The server the request was for. */
    readonly destination: string,
    reason = 'no response in time',
    options?: { cause?: unknown },
  ) {
    super(`${destination}: ${reason}`, options);
  }
}

/** True for the transport errors above, matched by name so it works across comlink. */
export function isTransportError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TransportUnreachableError' || name === 'TransportTimeoutError';
}
