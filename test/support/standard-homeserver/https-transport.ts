/**
 * A FederationTransport over plain HTTPS with the spec's server-name
 * resolution: what an ordinary homeserver uses to reach anyone, the relay's
 * gateway included. Built on the relay's HomeserverClient, so the resolution
 * code is the one under test.
 */

import { OutboundError } from '../../../relay/outbound/errors.js';
import type { HomeserverClient } from '../../../relay/outbound/homeserver-client.js';
import type {
  FederationRequest,
  FederationResponse,
  FederationTransport,
} from '../../../src/federation/transport.js';
import {
  TransportTimeoutError,
  TransportUnreachableError,
} from '../../../src/federation/transport-errors.js';

/** Sends through `client`, mapping failures to the transport errors. */
export class HttpsTransport implements FederationTransport {
  constructor(
    private readonly client: HomeserverClient,
    private readonly timeoutMs = 20_000,
  ) {}

  async request(destination: string, request: FederationRequest): Promise<FederationResponse> {
    try {
      return await this.client.send(destination, request, AbortSignal.timeout(this.timeoutMs));
    } catch (error) {
      if (error instanceof OutboundError && error.kind === 'timeout') {
        throw new TransportTimeoutError(destination, error.message, { cause: error });
      }
      throw new TransportUnreachableError(destination, String((error as Error).message), {
        cause: error,
      });
    }
  }
}
