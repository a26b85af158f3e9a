/**
 * Picks (or makes) the connection a request to a browser node travels on.
 * Preferred: a direct WebRTC connection, dialled as
 * `<relay>/p2p-circuit/webrtc/p2p/<peer>` so the relayed circuit only carries
 * the WebRTC signalling and the data then flows browser to browser. When
 * WebRTC fails the relayed circuit itself carries the request, and WebRTC is
 * tried again after a pause rather than on every request.
 */
import type { Connection, Libp2p, PeerId } from '@libp2p/interface';
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';

/** How a link to a peer is carried. */
export type LinkKind = 'direct-webrtc' | 'relayed';

const DIAL_TIMEOUT_MS = 15_000;
/** After WebRTC failed to a peer, how long the relayed circuit is used without trying again. */
const WEBRTC_RETRY_AFTER_MS = 5_000;
/**
 * When both ends dial WebRTC to each other at once (both queues woken by the
 * same event), the two handshakes can spoil each other; a second try after a
 * random pause of up to this long breaks the tie.
 */
const WEBRTC_TIE_BREAK_MS = 400;

/** The kind of an open connection, from its address and limits. */
export function linkKindOf(connection: Connection): LinkKind {
  const address = connection.remoteAddr.toString();
  return address.includes('/webrtc') && connection.limits === undefined
    ? 'direct-webrtc'
    : 'relayed';
}

function isOpen(connection: Connection): boolean {
  return connection.status === 'open';
}

export class PeerDialer {
  private readonly pending = new Map<string, Promise<Connection>>();
  private readonly webrtcFailedAt = new Map<string, number>();

  constructor(
    private readonly libp2p: Libp2p,
    /** The relay's dial address, ending in `/p2p/<relay>`. */
    private readonly relayAddress: Multiaddr,
    /** False: stay on the relayed circuit (benchmarks, and networks where WebRTC never works). */
    private readonly preferDirect: boolean,
  ) {}

  /** An open connection of the preferred kind, if there is one now. */
  current(peer: PeerId): Connection | undefined {
    const open = this.libp2p.getConnections(peer).filter(isOpen);
    const direct = open.find((c) => linkKindOf(c) === 'direct-webrtc');
    if (direct && this.preferDirect) return direct;
    return open.find((c) => linkKindOf(c) === 'relayed') ?? direct;
  }

  /**
   * A connection to `peer`, dialling if needed (one dial per peer at a time).
   * An open relayed circuit is used at once, while WebRTC is tried in the
   * background: waiting for the handshake (up to two 15 s tries) held the
   * request, and a server that had just written to us through the circuit
   * (a joiner whose key we fetch to check its request) could not be reached
   * in time.
   */
  async connectionTo(peer: PeerId, signal: AbortSignal): Promise<Connection> {
    const existing = this.current(peer);
    if (existing) {
      if (this.preferDirect && linkKindOf(existing) !== 'direct-webrtc') {
        this.upgrade(peer, existing);
      }
      return existing;
    }
    const key = peer.toString();
    let dial = this.pending.get(key);
    if (!dial) {
      dial = this.dial(peer, existing).finally(() => this.pending.delete(key));
      this.pending.set(key, dial);
    }
    return await raceAbort(dial, signal);
  }

  /** Dials WebRTC to `peer` in the background, unless a dial is out or it failed lately. */
  private upgrade(peer: PeerId, relayed: Connection): void {
    const key = peer.toString();
    if (this.pending.has(key)) return;
    const failedAt = this.webrtcFailedAt.get(key);
    if (failedAt !== undefined && Date.now() - failedAt <= WEBRTC_RETRY_AFTER_MS) return;
    const dial = this.dial(peer, relayed).finally(() => this.pending.delete(key));
    // Nobody waits for it: a failure only means the circuit stays in use.
    dial.catch(() => undefined);
    this.pending.set(key, dial);
  }

  private async dial(peer: PeerId, existing: Connection | undefined): Promise<Connection> {
    const key = peer.toString();
    const failedAt = this.webrtcFailedAt.get(key);
    const tryWebrtc =
      this.preferDirect &&
      (failedAt === undefined || Date.now() - failedAt > WEBRTC_RETRY_AFTER_MS);
    if (tryWebrtc) {
      const direct = await this.dialWebrtc(peer);
      if (direct) {
        this.webrtcFailedAt.delete(key);
        return direct;
      }
      this.webrtcFailedAt.set(key, Date.now());
    }
    // The WebRTC attempt may have left the signalling circuit open: reuse it.
    const relayed = this.current(peer) ?? existing;
    if (relayed) return relayed;
    return await this.libp2p.dial(this.address(peer, false), {
      signal: AbortSignal.timeout(DIAL_TIMEOUT_MS),
    });
  }

  /** A direct connection, or undefined after two failed tries. */
  private async dialWebrtc(peer: PeerId): Promise<Connection | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        return await this.libp2p.dial(this.address(peer, true), {
          signal: AbortSignal.timeout(DIAL_TIMEOUT_MS),
        });
      } catch {
        // The other end's simultaneous dial may have won: use its connection.
        const won = this.current(peer);
        if (won && linkKindOf(won) === 'direct-webrtc') return won;
        if (attempt === 0) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * WEBRTC_TIE_BREAK_MS));
        }
      }
    }
    return undefined;
  }

  private address(peer: PeerId, webrtc: boolean): Multiaddr {
    const relay = this.relayAddress.toString();
    return multiaddr(`${relay}/p2p-circuit${webrtc ? '/webrtc' : ''}/p2p/${peer.toString()}`);
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
