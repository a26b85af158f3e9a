/**
 * The relay's libp2p node: WebSockets on 127.0.0.1 for browsers, a circuit
 * relay v2 server (browsers signal WebRTC through it, and fall back to a
 * relayed circuit when WebRTC fails), identify and ping. The gateway and the
 * forward handler plug in through `dial`, `handle` and `onPeer`; they never
 * touch libp2p's configuration. See doc/transport.md.
 */
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayServer } from '@libp2p/circuit-relay-v2';
import { identify } from '@libp2p/identify';
import type { Connection, PeerId, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { ping } from '@libp2p/ping';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p, type Libp2p } from 'libp2p';
import { serverNameFor } from '../src/node/server-name.js';
import type { RelayConfig } from './config.js';
import { loadOrCreateRelayKey } from './relay-key.js';

/** A peer connected to the relay; browser nodes have a server name. */
export interface ConnectedPeer {
  peerId: string;
  /** `<base32 key>.<domain>` when the peer's identity is an Ed25519 key (a browser node). */
  serverName?: string;
}

/** Told when peers come and go (the gateway's registry listens here). */
export interface PeerListener {
  connected?(peer: ConnectedPeer): void;
  disconnected?(peer: ConnectedPeer): void;
}

/** What a protocol handler on the relay receives. */
export type RelayStreamHandler = (
  stream: Stream,
  peer: ConnectedPeer,
  connection: Connection,
) => void | Promise<void>;

/** The running relay node. */
export interface RelayHost {
  readonly peerId: string;
  /** The addresses browsers dial, each ending in `/p2p/<peerId>`. */
  multiaddrs(): string[];
  readonly domain: string;
  /** Opens a stream to a connected peer (over its existing connection). */
  dial(peerId: string, protocol: string, options?: { signal?: AbortSignal }): Promise<Stream>;
  /** Serves `protocol`, e.g. `/tidepool/forward/1`. */
  handle(protocol: string, handler: RelayStreamHandler): Promise<void>;
  /** Subscribes to peer connect/disconnect; returns the unsubscribe. */
  onPeer(listener: PeerListener): () => void;
  /** The peers connected right now. */
  connectedPeers(): ConnectedPeer[];
  /** The underlying node, for tests and metrics. */
  readonly libp2p: Libp2p;
  stop(): Promise<void>;
}

/** The browser node name carried by a peer ID, when its key is Ed25519. */
export function describePeer(peer: PeerId, domain: string): ConnectedPeer {
  const raw = peer.type === 'Ed25519' ? peer.publicKey.raw : undefined;
  return raw
    ? { peerId: peer.toString(), serverName: serverNameFor(raw, domain) }
    : { peerId: peer.toString() };
}

/** Starts the relay node as `config` says. */
export async function startRelayHost(config: RelayConfig): Promise<RelayHost> {
  const privateKey = await loadOrCreateRelayKey(config.keyFile);
  const { limits } = config;
  const node = await createLibp2p({
    privateKey,
    addresses: { listen: [`/ip4/${config.host}/tcp/${config.wsPort}/ws`] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ maxEarlyStreams: 256 })],
    connectionManager: {
      maxConnections: limits.maxReservations * 2 + 64,
      // libp2p refuses a host's sixth connection in a second by default; many
      // browser nodes share one address (a NAT, or loopback in development),
      // and each opens a connection plus circuits, so that cut-off bites them.
      inboundConnectionThreshold: 50,
      maxIncomingPendingConnections: 64,
    },
    services: {
      identify: identify(),
      ping: ping(),
      relay: circuitRelayServer({
        reservations: {
          maxReservations: limits.maxReservations,
          reservationTtl: limits.reservationTtlMs,
          applyDefaultLimit: true,
          defaultDurationLimit: limits.circuitDurationMs,
          defaultDataLimit: limits.circuitDataBytes,
        },
      }),
    },
  });

  const listeners = new Set<PeerListener>();
  const notify = (kind: 'connected' | 'disconnected', peer: PeerId) => {
    const described = describePeer(peer, config.domain);
    for (const listener of listeners) {
      try {
        listener[kind]?.(described);
      } catch {
        // One listener's bug must not stop the others from hearing about peers.
      }
    }
  };
  node.addEventListener('peer:connect', (event) => notify('connected', event.detail));
  node.addEventListener('peer:disconnect', (event) => notify('disconnected', event.detail));

  return {
    peerId: node.peerId.toString(),
    domain: config.domain,
    libp2p: node,
    multiaddrs: () => node.getMultiaddrs().map((address) => address.toString()),
    dial: (peerId, protocol, options) =>
      node.dialProtocol(peerIdFromString(peerId), protocol, {
        ...(options?.signal ? { signal: options.signal } : {}),
        runOnLimitedConnection: false,
      }),
    handle: (protocol, handler) =>
      node.handle(protocol, (stream, connection) =>
        handler(stream, describePeer(connection.remotePeer, config.domain), connection),
      ),
    onPeer(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    connectedPeers: () => node.getPeers().map((peer) => describePeer(peer, config.domain)),
    stop: async () => {
      await node.stop();
    },
  };
}
