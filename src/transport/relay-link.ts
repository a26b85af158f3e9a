/**
 * Keeps this node connected to its relay: dial, and after a loss dial again
 * with exponential backoff (0.5 s doubling to 30 s, with jitter so a relay
 * restart is not met by every browser at the same instant). The circuit relay
 * transport renews the reservation by itself once the connection is back.
 */
import type { Libp2p, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import type { Multiaddr } from '@multiformats/multiaddr';

/** Where the relay connection stands, for the status line. */
export type RelayState = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'stopped';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;
const DIAL_TIMEOUT_MS = 10_000;

/** Options for RelayLink. */
export interface RelayLinkOptions {
  libp2p: Libp2p;
  /** The relay's WebSocket address, ending in `/p2p/<relay peer ID>`. */
  address: Multiaddr;
  relayPeerId: string;
  /** Told on every change, with words for the page. */
  onState(state: RelayState, message: string): void;
}

export class RelayLink {
  readonly relayPeer: PeerId;
  private stateNow: RelayState = 'connecting';
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every start/offline/online, so a late dial result of an old one is ignored. */
  private generation = 0;

  constructor(private readonly options: RelayLinkOptions) {
    this.relayPeer = peerIdFromString(options.relayPeerId);
  }

  get state(): RelayState {
    return this.stateNow;
  }

  /** Starts dialling and watching the relay connection. */
  start(): void {
    this.options.libp2p.addEventListener('peer:disconnect', this.onDisconnect);
    void this.connect();
  }

  /** Drops the relay and stops redialling (offline), or starts again. */
  async setOffline(offline: boolean): Promise<void> {
    if (this.stateNow === 'stopped') return;
    clearTimeout(this.timer);
    this.generation++;
    if (offline) {
      this.setState('offline', 'Offline: this node refuses every link');
      await this.options.libp2p.hangUp(this.relayPeer).catch(() => undefined);
      return;
    }
    this.attempt = 0;
    this.setState('connecting', 'Connecting to the relay');
    await this.connect();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.options.libp2p.removeEventListener('peer:disconnect', this.onDisconnect);
    this.stateNow = 'stopped';
  }

  private readonly onDisconnect = (event: CustomEvent<PeerId>) => {
    if (!event.detail.equals(this.relayPeer)) return;
    if (this.stateNow === 'offline' || this.stateNow === 'stopped') return;
    this.setState('reconnecting', 'Lost the relay; reconnecting');
    this.schedule();
  };

  private async connect(): Promise<void> {
    if (this.isIdle()) return;
    const generation = this.generation;
    try {
      await this.options.libp2p.dial(this.options.address, {
        signal: AbortSignal.timeout(DIAL_TIMEOUT_MS),
      });
      if (generation !== this.generation || this.isIdle()) return;
      this.attempt = 0;
      this.setState('connected', `Connected to the relay ${this.options.address.toString()}`);
    } catch {
      if (generation !== this.generation || this.isIdle()) return;
      this.setState(
        'reconnecting',
        `The relay at ${this.options.address.toString()} cannot be reached; retrying`,
      );
      this.schedule();
    }
  }

  // A method, so the compiler does not narrow the state across the awaited dial.
  private isIdle(): boolean {
    return this.stateNow === 'offline' || this.stateNow === 'stopped';
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.attempt);
    this.attempt++;
    const delay = base * (0.8 + Math.random() * 0.4);
    const generation = this.generation;
    this.timer = setTimeout(() => {
      if (generation === this.generation) void this.connect();
    }, delay);
  }

  private setState(state: RelayState, message: string): void {
    this.stateNow = state;
    this.options.onState(state, message);
  }
}
