/**
 * One federation request and its response over one libp2p stream, both sides,
 * in the frames of frames.ts. Shared by the browser transport, the relay's
 * gateway and the tests, so every carrier handles streams the same way.
 */
import type { Stream } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import type {
  FederationRequest,
  FederationResponse,
  RequestHandler,
  RequestMeta,
} from '../federation/transport.js';
import {
  MAX_HEAD_BYTES,
  MAX_REQUEST_BODY_BYTES,
  MAX_RESPONSE_BODY_BYTES,
  readForwardRequest,
  readRequest,
  readResponse,
  writeForwardRequest,
  writeRequest,
  writeResponse,
} from './frames.js';

// The varint reader refuses a longer frame before buffering it, so a peer
// cannot make us hold more than the format allows.
const REQUEST_FRAME_LIMIT = Math.max(MAX_HEAD_BYTES, MAX_REQUEST_BODY_BYTES);
const RESPONSE_FRAME_LIMIT = Math.max(MAX_HEAD_BYTES, MAX_RESPONSE_BODY_BYTES);

/** Answered when the handler itself failed; the handler should never let this happen. */
const INTERNAL_ERROR: FederationResponse = {
  status: 500,
  headers: { 'content-type': 'application/json' },
  body: new TextEncoder().encode('{"errcode":"M_UNKNOWN","error":"Internal server error"}'),
};

function abortStream(stream: Stream, error: unknown): void {
  stream.abort(error instanceof Error ? error : new Error(String(error)));
}

/**
 * Once the whole response is read the caller has its answer: closing our end
 * (on WebRTC a FIN and its acknowledgement) need not delay it.
 */
function closeInBackground(stream: Stream): void {
  stream.close().catch((error: unknown) => abortStream(stream, error));
}

/**
 * Serves one inbound `/tidepool/federation/1` stream: reads the request, asks
 * `handler`, writes the response and closes. A malformed request resets the
 * stream (there is nobody to answer in words).
 */
export async function serveFederationStream(
  stream: Stream,
  handler: RequestHandler,
  meta: RequestMeta,
  signal?: AbortSignal,
): Promise<void> {
  const channel = lpStream(stream, { maxDataLength: REQUEST_FRAME_LIMIT });
  let request: FederationRequest;
  try {
    request = await readRequest(channel, signal);
  } catch (error) {
    abortStream(stream, error);
    return;
  }
  let response: FederationResponse;
  try {
    response = await handler(request, meta);
  } catch {
    response = INTERNAL_ERROR;
  }
  try {
    await writeResponse(channel, response, signal);
    await stream.close(signal ? { signal } : undefined);
  } catch (error) {
    abortStream(stream, error);
  }
}

/** Sends `request` on a fresh outbound stream and reads the response; closes the stream. */
export async function requestOverStream(
  stream: Stream,
  request: FederationRequest,
  signal?: AbortSignal,
): Promise<FederationResponse> {
  const channel = lpStream(stream, { maxDataLength: RESPONSE_FRAME_LIMIT });
  try {
    await writeRequest(channel, request, signal);
    const response = await readResponse(channel, signal);
    closeInBackground(stream);
    return response;
  } catch (error) {
    abortStream(stream, error);
    throw error;
  }
}

/** Like requestOverStream, on `/tidepool/forward/1`: the relay carries it to `destination`. */
export async function forwardOverStream(
  stream: Stream,
  destination: string,
  request: FederationRequest,
  signal?: AbortSignal,
): Promise<FederationResponse> {
  const channel = lpStream(stream, { maxDataLength: RESPONSE_FRAME_LIMIT });
  try {
    await writeForwardRequest(channel, destination, request, signal);
    const response = await readResponse(channel, signal);
    closeInBackground(stream);
    return response;
  } catch (error) {
    abortStream(stream, error);
    throw error;
  }
}

/** Reads one forwarded request (the relay's side of `/tidepool/forward/1`). */
export async function readForwardStream(
  stream: Stream,
  signal?: AbortSignal,
): Promise<{
  destination: string;
  request: FederationRequest;
  respond(response: FederationResponse): Promise<void>;
}> {
  const channel = lpStream(stream, { maxDataLength: REQUEST_FRAME_LIMIT });
  const { destination, request } = await readForwardRequest(channel, signal).catch(
    (error: unknown) => {
      abortStream(stream, error);
      throw error;
    },
  );
  return {
    destination,
    request,
    async respond(response) {
      try {
        await writeResponse(channel, response, signal);
        await stream.close(signal ? { signal } : undefined);
      } catch (error) {
        abortStream(stream, error);
      }
    },
  };
}
