/**
 * The relay's `/tidepool/forward/1` handler: a browser node asks us to carry
 * one request to an ordinary homeserver. We read the forward frames, refuse
 * what must not go out this way, send the request unchanged over HTTPS and
 * write the homeserver's response back as response frames. Failures of our own
 * are answered too (never a bare reset, so the node learns why), marked with
 * `x-tidepool-relay-error: refused | unreachable | timeout | limited`.
 */
import type { Connection, Stream } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import type { FederationRequest, FederationResponse } from '../../src/federation/transport.js';
import {
  MAX_REQUEST_BODY_BYTES,
  readForwardRequest,
  writeResponse,
} from '../../src/transport/frames.js';
import { parseHost } from '../gateway/host-header.js';
import { DEFAULT_LIMITS, type RateLimit, RateLimiter } from '../limits.js';
import type { NodeDirectory } from '../registry.js';
import { OutboundError } from './errors.js';

/** The header that marks a response the relay wrote itself. */
export const RELAY_ERROR_HEADER = 'x-tidepool-relay-error';

/** Forward handler configuration. */
export interface ForwardHandlerOptions {
  /** Sends to homeservers (a HomeserverClient). */
  client: {
    send(
      destination: string,
      request: FederationRequest,
      signal: AbortSignal,
    ): Promise<FederationResponse>;
  };
  /** Tells browser node names (those go peer to peer, never through us). */
  directory: Pick<NodeDirectory, 'isNodeName'>;
  /** Requests per browser node. */
  perPeer?: RateLimit;
  /** How long the homeserver may take; default 30 s. */
  timeoutMs?: number;
  /** How long the node may take to send its request frames; default 10 s. */
  readTimeoutMs?: number;
  onError?: (error: unknown) => void;
}

function relayError(
  status: number,
  kind: string,
  errcode: string,
  error: string,
  extra: Record<string, unknown> = {},
): FederationResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', [RELAY_ERROR_HEADER]: kind },
    body: new TextEncoder().encode(JSON.stringify({ errcode, error, ...extra })),
  };
}

/** The stream handler to register for FORWARD_PROTOCOL. */
export function forwardHandler(options: ForwardHandlerOptions) {
  const limiter = new RateLimiter(options.perPeer ?? DEFAULT_LIMITS.perPeer);
  const timeoutMs = options.timeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs;

  async function answer(peer: string, destination: string, request: FederationRequest) {
    const rate = limiter.take(peer);
    if (!rate.ok) {
      return relayError(429, 'limited', 'M_LIMIT_EXCEEDED', 'Too many requests', {
        retry_after_ms: rate.retryAfterMs,
      });
    }
    const host = parseHost(destination);
    if (host === undefined) {
      return relayError(400, 'refused', 'M_INVALID_PARAM', `${destination} is not a server name`);
    }
    if (options.directory.isNodeName(host.hostname)) {
      return relayError(403, 'refused', 'M_FORBIDDEN', 'Browser nodes are reached peer to peer');
    }
    try {
      return await options.client.send(destination, request, AbortSignal.timeout(timeoutMs));
    } catch (error) {
      options.onError?.(error);
      const kind = error instanceof OutboundError ? error.kind : 'unreachable';
      if (kind === 'refused')
        return relayError(403, kind, 'M_FORBIDDEN', String((error as Error).message));
      if (kind === 'timeout')
        return relayError(504, kind, 'M_UNKNOWN', `${destination} did not answer in time`);
      return relayError(502, kind, 'M_UNKNOWN', `${destination} could not be reached`);
    }
  }

  return async (stream: Stream, connection: Connection): Promise<void> => {
    const channel = lpStream(stream, { maxDataLength: MAX_REQUEST_BODY_BYTES });
    try {
      const readSignal = AbortSignal.timeout(options.readTimeoutMs ?? 10_000);
      const { destination, request } = await readForwardRequest(channel, readSignal);
      const response = await answer(connection.remotePeer.toString(), destination, request);
      await writeResponse(channel, response, AbortSignal.timeout(timeoutMs));
      await stream.close().catch(() => undefined);
    } catch (error) {
      // Malformed frames or a broken stream: nothing to answer on.
      options.onError?.(error);
      stream.abort(error instanceof Error ? error : new Error(String(error)));
    }
  };
}
