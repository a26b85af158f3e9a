/**
 * Why the relay could not carry a request to an ordinary homeserver. The
 * forward handler answers each with a response of the relay's own, marked with
 * the `x-tidepool-relay-error` header so the browser's transport can tell it
 * from the homeserver's answer (doc/relay.md, "Forward protocol").
 */

/** The kinds of relay failure, as the header carries them. */
export type RelayFailure = 'refused' | 'unreachable' | 'timeout';

/** A failure with its kind. */
export class OutboundError extends Error {
  override name = 'OutboundError';

  constructor(
    readonly kind: RelayFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
