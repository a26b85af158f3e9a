/**
 * A Node libp2p peer standing in for a browser node: a real FederatedNode
 * (TidepoolNode over fake-indexeddb) whose libp2p key is its identity key, so
 * its peer ID and its server name name the same key. It serves
 * `/tidepool/federation/1` with the node's handler and sends its own requests
 * to ordinary homeservers through the relay's `/tidepool/forward/1`.
 */
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { identify } from '@libp2p/identify';
import type { PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { lpStream } from '@libp2p/utils';
import { webSockets } from '@libp2p/websockets';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p, type Libp2p } from 'libp2p';
import { RELAY_ERROR_HEADER } from '../../relay/outbound/forward-handler.js';
import { FederatedNode } from '../../src/federation/federated-node.js';
import type {
  FederationRequest,
  FederationResponse,
  FederationTransport,
  RequestHandler,
} from '../../src/federation/transport.js';
import {
  TransportTimeoutError,
  TransportUnreachableError,
} from '../../src/federation/transport-errors.js';
import { createIdentity } from '../../src/node/identity.js';
import { TidepoolNode } from '../../src/node/node.js';
import type { IdentityRecord } from '../../src/store/records.js';
import {
  FEDERATION_PROTOCOL,
  FORWARD_PROTOCOL,
  MAX_RESPONSE_BODY_BYTES,
  readRequest,
  readResponse,
  writeForwardRequest,
  writeResponse,
} from '../../src/transport/frames.js';
import { seededRandom } from '../node/helpers.js';
import { freshFactory, open } from '../store/helpers.js';

/** Sends through the relay's forward protocol. */
class ForwardTransport implements FederationTransport {
  constructor(
    private readonly libp2p: Libp2p,
    private readonly relay: PeerId,
  ) {}

  async request(destination: string, request: FederationRequest): Promise<FederationResponse> {
    const signal = AbortSignal.timeout(20_000);
    let response: FederationResponse;
    try {
      const stream = await this.libp2p.dialProtocol(this.relay, FORWARD_PROTOCOL, { signal });
      const channel = lpStream(stream, { maxDataLength: MAX_RESPONSE_BODY_BYTES });
      await writeForwardRequest(channel, destination, request, signal);
      response = await readResponse(channel, signal);
      await stream.close().catch(() => undefined);
    } catch (error) {
      if (signal.aborted)
        throw new TransportTimeoutError(destination, 'no answer', { cause: error });
      throw new TransportUnreachableError(destination, String(error), { cause: error });
    }
    const relayError = response.headers[RELAY_ERROR_HEADER];
    if (relayError === 'timeout') throw new TransportTimeoutError(destination);
    if (relayError === 'unreachable' || relayError === 'refused') {
      throw new TransportUnreachableError(destination, relayError);
    }
    return response;
  }
}

/** A browser-node stand-in. */
export interface BrowserPeer {
  identity: IdentityRecord;
  serverName: string;
  user: string;
  node: TidepoolNode;
  fed: FederatedNode;
  libp2p: Libp2p;
  /** Replaces the federation handler (a peer that never answers, say). */
  setHandler(handler: RequestHandler): void;
  close(): Promise<void>;
}

/** Starts a browser-node stand-in under `domain` and connects it to the relay at `relayAddress`. */
export async function startBrowserPeer(
  domain: string,
  relayAddress: string,
  seed: number,
): Promise<BrowserPeer> {
  const base = createIdentity({ localpart: 'u', domain, random: seededRandom(seed) });
  const identity: IdentityRecord = { ...base, profile: { displayName: 'Bea' } };
  const privateKey = await generateKeyPairFromSeed('Ed25519', identity.signingKey.seed);
  const libp2p = await createLibp2p({
    privateKey,
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
  });
  const relayAddr = multiaddr(relayAddress);
  const relayPeer = peerIdFromString(
    relayAddr.getComponents().find((c) => c.name === 'p2p')?.value ?? '',
  );
  const store = await open(freshFactory(), `browser-${seed}`);
  const node = await TidepoolNode.create(store, identity, {
    now: Date.now,
    random: seededRandom(seed + 50),
  });
  const fed = await FederatedNode.open({
    node,
    store,
    identity: () => identity,
    transport: new ForwardTransport(libp2p, relayPeer),
    now: Date.now,
  });
  let handler: RequestHandler = fed.handle;
  await libp2p.handle(FEDERATION_PROTOCOL, async (stream, connection) => {
    const channel = lpStream(stream, { maxDataLength: MAX_RESPONSE_BODY_BYTES });
    try {
      const request = await readRequest(channel);
      const response = await handler(request, { remoteAddress: connection.remotePeer.toString() });
      await writeResponse(channel, response);
      await stream.close();
    } catch (error) {
      stream.abort(error instanceof Error ? error : new Error(String(error)));
    }
  });
  await libp2p.dial(relayAddr);
  return {
    identity,
    serverName: identity.serverName,
    user: `@u:${identity.serverName}`,
    node,
    fed,
    libp2p,
    setHandler: (next) => {
      handler = next;
    },
    async close() {
      await libp2p.stop();
      await fed.close();
      node.close();
    },
  };
}
