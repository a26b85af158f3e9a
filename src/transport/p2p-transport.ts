/**
 * The libp2p carrier of the federation API (FederationTransport), and the
 * server side of `/tidepool/federation/1`. Browser nodes are reached by peer
 * ID (derived from their server name) over WebRTC or the relayed circuit;
 * every other server through the relay's `/tidepool/forward/1`. Failures
 * become TransportUnreachableError / TransportTimeoutError, so the outbound
 * queue retries. The same class runs in the browser and in Node tests.
 */
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import type {
  FederationRequest,
  FederationResponse,
  FederationTransport,
  RequestHandler,
} from '../federation/transport.js';
import {
  TransportTimeoutError,
  TransportUnreachableError,
} from '../federation/transport-errors.js';
import {
  forwardOverStream,
  requestOverStream,
  serveFederationStream,
} from './federation-stream.js';
import { FEDERATION_PROTOCOL, FORWARD_PROTOCOL } from './frames.js';
import type { LinkPolicy } from './link-policy.js';
import { type LinkKind, linkKindOf, PeerDialer } from './peer-dialer.js';
import { peerIdOfServerName, serverNameOfPeer } from './peer-names.js';
import type { RelayInfo } from './relay-info.js';
import { RelayLink, type RelayState } from './relay-link.js';
import { SpareStreams } from './spare-streams.js';

/** One peer as the network panel shows it. */
export interface PeerStatus {
  serverName: string;
  /** Empty for an ordinary homeserver reached through the gateway. */
  peerId: string;
  /** How requests travel now; `none` when no connection is open. */
  kind: LinkKind | 'gateway' | 'none';
  /** Round-trip time from libp2p's connection monitor (ping), when measured. */
  rttMs?: number;
  /** This link is cut at the transport (cutLink). */
  cut: boolean;
}

/** Options for P2pTransport. */
export interface P2pTransportOptions {
  libp2p: Libp2p;
  relay: RelayInfo;
  /** The relay's dial address, ending in `/p2p/<relay>` (relayDialAddress). */
  relayAddress: Multiaddr;
  /** The same policy the libp2p node's connection gater consults. */
  policy: LinkPolicy;
  /** Serves inbound federation requests. */
  handler: RequestHandler;
  /** A link to this browser node came up: its queued requests can go now. */
  onLinkUp?(serverName: string): void;
  /** Told whenever the relay connection changes, with words. */
  onRelayState?(state: RelayState, message: string): void;
  /** Use WebRTC when it works (default), or stay on the relayed circuit. */
  preferDirect?: boolean;
  /** No response by then → TransportTimeoutError. Default 30 s. */
  requestTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** The pause before the one redial of a failed connection attempt. */
const REDIAL_DELAY_MS = 250;
/** How long opening a spare stream (spare-streams.ts) may take before it is given up. */
const SPARE_OPEN_TIMEOUT_MS = 10_000;
/** Streams of our protocol one connection may have open at once, each way. */
const MAX_STREAMS = 256;

export class P2pTransport implements FederationTransport {
  readonly relayLink: RelayLink;
  private readonly dialer: PeerDialer;
  private readonly gatewayUsed = new Set<string>();
  private readonly timeoutMs: number;
  private readonly spareStreams = new SpareStreams(
    (connection, signal) =>
      connection.newStream(FEDERATION_PROTOCOL, {
        signal,
        runOnLimitedConnection: true,
        maxOutboundStreams: MAX_STREAMS,
      }),
    SPARE_OPEN_TIMEOUT_MS,
  );

  constructor(private readonly options: P2pTransportOptions) {
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.dialer = new PeerDialer(
      options.libp2p,
      options.relayAddress,
      options.preferDirect ?? true,
    );
    this.relayLink = new RelayLink({
      libp2p: options.libp2p,
      address: options.relayAddress,
      relayPeerId: options.relay.peerId,
      onState: (state, message) => options.onRelayState?.(state, message),
    });
  }

  /** Serves the federation protocol and connects to the relay. */
  async start(): Promise<void> {
    const { libp2p } = this.options;
    await libp2p.handle(
      FEDERATION_PROTOCOL,
      (stream, connection) => this.serve(stream, connection),
      {
        runOnLimitedConnection: true,
        maxInboundStreams: MAX_STREAMS,
        maxOutboundStreams: MAX_STREAMS,
      },
    );
    libp2p.addEventListener('connection:open', this.onConnectionOpen);
    this.relayLink.start();
  }

  async stop(): Promise<void> {
    this.relayLink.stop();
    this.options.libp2p.removeEventListener('connection:open', this.onConnectionOpen);
    await this.options.libp2p.unhandle(FEDERATION_PROTOCOL).catch(() => undefined);
  }

  async request(destination: string, request: FederationRequest): Promise<FederationResponse> {
    const { policy, libp2p } = this.options;
    if (policy.offline) throw new TransportUnreachableError(destination, 'this node is offline');
    const signal = AbortSignal.timeout(this.timeoutMs);
    const peer = peerIdOfServerName(destination);
    try {
      if (peer) {
        if (policy.isCut(peer)) throw new TransportUnreachableError(destination, 'the link is cut');
        const connection = await this.connect(peer, signal);
        const stream = await this.spareStreams.take(connection, signal);
        const response = await requestOverStream(stream, request, signal);
        // After the caller has its response: opening a stream is ~2 ms of
        // synchronous work here, which would otherwise delay the answer.
        setTimeout(() => this.spareStreams.refill(connection), 0);
        return response;
      }
      this.gatewayUsed.add(destination);
      const stream = await libp2p.dialProtocol(this.relayLink.relayPeer, FORWARD_PROTOCOL, {
        signal,
        negotiateFully: false,
      });
      return await forwardOverStream(stream, destination, request, signal);
    } catch (error) {
      if ((error as Error).name === 'TransportUnreachableError') throw error;
      if (signal.aborted) throw new TransportTimeoutError(destination, undefined, { cause: error });
      const reason = error instanceof Error ? error.message : String(error);
      throw new TransportUnreachableError(destination, reason, { cause: error });
    }
  }

  /**
   * A connection to `peer`, dialled a second time if the first dial fails:
   * no request byte has gone yet, so trying again is safe, and a handshake cut
   * short (a busy relay, a racing dial from the other side) often works the
   * second time rather than costing the outbound queue a backoff.
   */
  private async connect(peer: PeerId, signal: AbortSignal): Promise<Connection> {
    try {
      return await this.dialer.connectionTo(peer, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, REDIAL_DELAY_MS));
      return await this.dialer.connectionTo(peer, signal);
    }
  }

  /** True while this node holds a reservation on the relay (other nodes can reach it). */
  reserved(): boolean {
    return this.options.libp2p.getMultiaddrs().some((address) => {
      const text = address.toString();
      return text.includes('/p2p-circuit') && text.includes(this.options.relay.peerId);
    });
  }

  /** This node's peer ID. */
  peerId(): string {
    return this.options.libp2p.peerId.toString();
  }

  /** Refuses every stream and connection to and from this browser node. */
  async cutLink(serverName: string): Promise<void> {
    const peer = this.requirePeer(serverName);
    this.options.policy.cutPeer(peer);
    await this.options.libp2p.hangUp(peer).catch(() => undefined);
  }

  /** Allows the link again; the node's queue is woken to use it. */
  healLink(serverName: string): void {
    this.options.policy.healPeer(this.requirePeer(serverName));
    this.options.onLinkUp?.(serverName);
  }

  /** Takes the whole node off the network (relay included), or back on. */
  async setOffline(offline: boolean): Promise<void> {
    const { policy, libp2p } = this.options;
    policy.setOffline(offline);
    if (offline) {
      await this.relayLink.setOffline(true);
      await Promise.allSettled(libp2p.getConnections().map((c) => c.close()));
      return;
    }
    await this.relayLink.setOffline(false);
  }

  /** The peers this node has links to (or had, for cut ones and gateway destinations). */
  peers(): PeerStatus[] {
    const { libp2p, relay, policy } = this.options;
    const byPeer = new Map<string, PeerStatus>();
    for (const connection of libp2p.getConnections()) {
      const peer = connection.remotePeer;
      const key = peer.toString();
      const serverName = serverNameOfPeer(peer, relay.domain);
      if (key === relay.peerId || !serverName || byPeer.has(key)) continue;
      const chosen = this.dialer.current(peer);
      byPeer.set(key, {
        serverName,
        peerId: key,
        kind: chosen ? linkKindOf(chosen) : 'none',
        ...(chosen?.rtt === undefined ? {} : { rttMs: chosen.rtt }),
        cut: policy.isCut(peer),
      });
    }
    const gateway = [...this.gatewayUsed].map(
      (serverName): PeerStatus => ({ serverName, peerId: '', kind: 'gateway', cut: false }),
    );
    return [...byPeer.values(), ...gateway];
  }

  /** The open connections to a browser node (tests check which kind carries the traffic). */
  connectionsTo(serverName: string): { remoteAddr: string; kind: LinkKind; limited: boolean }[] {
    return this.options.libp2p
      .getConnections(this.requirePeer(serverName))
      .filter((c) => c.status === 'open')
      .map((c) => ({
        remoteAddr: c.remoteAddr.toString(),
        kind: linkKindOf(c),
        limited: c.limits !== undefined,
      }));
  }

  private requirePeer(serverName: string): PeerId {
    const peer = peerIdOfServerName(serverName);
    if (!peer) throw new TransportUnreachableError(serverName, 'not a browser node name');
    return peer;
  }

  private async serve(stream: Stream, connection: Connection): Promise<void> {
    if (this.options.policy.refuses(connection.remotePeer)) {
      stream.abort(new Error('This node refuses the link'));
      return;
    }
    const meta = { remoteAddress: connection.remotePeer.toString() };
    await serveFederationStream(stream, this.options.handler, meta);
  }

  private readonly onConnectionOpen = (event: CustomEvent<Connection>) => {
    const peer = event.detail.remotePeer;
    if (peer.toString() === this.options.relay.peerId) return;
    const serverName = serverNameOfPeer(peer, this.options.relay.domain);
    if (serverName) this.options.onLinkUp?.(serverName);
  };
}
