/**
 * Carries one gateway request to a browser node: a `/tidepool/federation/1`
 * stream over the connection the node keeps to the relay, the request frames
 * out, the response frames back (src/transport/frames.ts). Nothing in between
 * is parsed or re-signed: X-Matrix is checked by the node itself.
 */
import type { PeerId, Stream } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import type { FederationRequest, FederationResponse } from '../../src/federation/transport.js';
import {
  FEDERATION_PROTOCOL,
  MAX_RESPONSE_BODY_BYTES,
  readResponse,
  writeRequest,
} from '../../src/transport/frames.js';

/** Opens a stream to a connected peer on `protocol`: the libp2p host's `dialProtocol`. */
export type DialProtocol = (
  peerId: PeerId,
  protocol: string,
  options: { signal: AbortSignal },
) => Promise<Stream>;

/** Sends one request to a browser node and resolves with its response. */
export type ForwardToNode = (
  peerId: PeerId,
  request: FederationRequest,
  signal: AbortSignal,
) => Promise<FederationResponse>;

/** No stream could be opened to the node, or it broke the frame format. */
export class NodeUnreachableError extends Error {
  override name = 'NodeUnreachableError';
}

/** The node did not answer before the signal fired. */
export class NodeTimeoutError extends Error {
  override name = 'NodeTimeoutError';
}

/** `forward` over streams from `dial`. */
export function streamForwarder(dial: DialProtocol): ForwardToNode {
  return async (peerId, request, signal) => {
    let stream: Stream;
    try {
      stream = await dial(peerId, FEDERATION_PROTOCOL, { signal });
    } catch (error) {
      if (signal.aborted) throw new NodeTimeoutError('no stream in time', { cause: error });
      throw new NodeUnreachableError('no stream to the node', { cause: error });
    }
    try {
      const channel = lpStream(stream, { maxDataLength: MAX_RESPONSE_BODY_BYTES });
      await writeRequest(channel, request, signal);
      const response = await readResponse(channel, signal);
      await stream.close({ signal }).catch(() => undefined);
      return response;
    } catch (error) {
      stream.abort(error instanceof Error ? error : new Error(String(error)));
      if (signal.aborted) throw new NodeTimeoutError('no answer in time', { cause: error });
      throw new NodeUnreachableError('the node broke the stream', { cause: error });
    }
  };
}
