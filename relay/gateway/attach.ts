/**
 * Wires the HTTP side onto a running libp2p host: the registry listens to the
 * host's peers, the gateway forwards over the host's streams, and the forward
 * protocol is served by the outbound handler. relay/main.ts calls this once;
 * the test host in test/relay/ has the same shape.
 */
import type { Connection, Stream } from '@libp2p/interface';
import { FORWARD_PROTOCOL } from '../../src/transport/frames.js';
import type { RateLimit } from '../limits.js';
import { forwardHandler } from '../outbound/forward-handler.js';
import { HomeserverClient, type HomeserverClientOptions } from '../outbound/homeserver-client.js';
import { NodeRegistry } from '../registry.js';
import { streamForwarder } from './forward.js';
import { Gateway } from './gateway.js';

/** The part of the libp2p host (relay/libp2p-host.ts `RelayHost`) the HTTP side uses. */
export interface HostForGateway {
  readonly peerId: string;
  readonly domain: string;
  multiaddrs(): string[];
  dial(peerId: string, protocol: string, options?: { signal?: AbortSignal }): Promise<Stream>;
  handle(
    protocol: string,
    handler: (
      stream: Stream,
      peer: { peerId: string },
      connection: Connection,
    ) => void | Promise<void>,
  ): Promise<void>;
  onPeer(listener: {
    connected?(peer: { peerId: string }): void;
    disconnected?(peer: { peerId: string }): void;
  }): () => void;
  connectedPeers(): { peerId: string }[];
}

/** Settings of the HTTP side (flags in doc/relay.md). */
export interface HttpSideOptions {
  /** Gateway listening address; default 127.0.0.1. */
  host?: string;
  /** Gateway port; default 8448. */
  port?: number;
  /** The port remote servers use, for `.well-known`; default the listening port. */
  publicPort?: number;
  /** PEM certificate and key: the gateway speaks HTTPS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** How long a node or homeserver may take; default 30 s. */
  timeoutMs?: number;
  perIp?: RateLimit;
  perPeer?: RateLimit;
  /** Outbound settings: `allowPrivateDestinations`, `ca`, DNS. */
  outbound?: HomeserverClientOptions;
  onError?: (error: unknown) => void;
}

/** The running HTTP side. */
export interface HttpSide {
  gateway: Gateway;
  registry: NodeRegistry;
  client: HomeserverClient;
  /** The gateway's bound port. */
  port: number;
  close(): Promise<void>;
}

/** Starts the gateway and the forward handler on `host`. */
export async function attachHttpSide(
  host: HostForGateway,
  options: HttpSideOptions = {},
): Promise<HttpSide> {
  const registry = new NodeRegistry({ domain: host.domain });
  for (const peer of host.connectedPeers()) registry.peerConnected(peer.peerId);
  const unsubscribe = host.onPeer({
    connected: (peer) => registry.peerConnected(peer.peerId),
    disconnected: (peer) => registry.peerDisconnected(peer.peerId),
  });
  const client = new HomeserverClient(options.outbound ?? {});
  const onError = options.onError;
  const handler = forwardHandler({
    client,
    directory: registry,
    ...(options.perPeer ? { perPeer: options.perPeer } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(onError ? { onError } : {}),
  });
  await host.handle(FORWARD_PROTOCOL, (stream, _peer, connection) => handler(stream, connection));
  const gateway = new Gateway({
    directory: registry,
    forward: streamForwarder((peer, protocol, dialOptions) =>
      host.dial(peer.toString(), protocol, dialOptions),
    ),
    relayInfo: () => ({ peerId: host.peerId, multiaddrs: host.multiaddrs() }),
    ...options,
  });
  const port = await gateway.listen();
  return {
    gateway,
    registry,
    client,
    port,
    async close() {
      unsubscribe();
      client.close();
      await gateway.close();
    },
  };
}
