/**
 * Errors for answers we got from another server that are not what we asked
 * for. Named for matching across the worker boundary; `retryable` tells an
 * outbound queue whether to keep the request for later.
 */

/** A non-2xx answer. `errcode` is the remote's (any string), `M_UNKNOWN` if it gave none. */
export class RemoteMatrixError extends Error {
  override name = 'RemoteMatrixError';
  /** 5xx and 429 (rate limited) may succeed later; other refusals will not. */
  readonly retryable: boolean;
  /** For a 429: how long the server asked us to wait, when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(
    /** The server that answered. */
    readonly destination: string,
    /** The HTTP status it answered with. */
    readonly httpStatus: number,
    /** Its errcode, e.g. `M_FORBIDDEN`. */
    readonly errcode: string,
    message: string,
    retryAfterMs?: number,
  ) {
    super(`${destination} answered ${httpStatus} ${errcode}: ${message}`);
    this.retryable = httpStatus >= 500 || httpStatus === 429;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * A 2xx answer we cannot use: over our size limit, not JSON, not canonical
 * JSON. Not retryable: the same server would most likely answer the same.
 */
export class BadRemoteResponseError extends Error {
  override name = 'BadRemoteResponseError';
  readonly retryable = false;

  constructor(
    /** The server that answered. */
    readonly destination: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Unusable response from ${destination}: ${reason}`, options);
  }
}
