import * as Comlink from 'comlink';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { NodeChange } from '../node/api.js';
import type { NodeRemoteApi } from './node-client.js';

/**
 * The page's handle on the running node, handed to every component: the API
 * and one shared change subscription. Components listen through
 * {@link SessionListener} and re-read what they show on each change (never poll).
 *
 * Components get this object, never the comlink remote itself: a remote answers
 * every property read with another proxy, so Lit would take it for a directive
 * if it were bound in a template.
 */
export class NodeSession {
  readonly #listeners = new Set<(change: NodeChange) => void>();
  #subscription?: Promise<number>;

  constructor(
    /** The node's API (a comlink remote: every call crosses to the worker). */
    readonly api: Comlink.Remote<NodeRemoteApi>,
  ) {}

  /** Subscribes to the node. Idempotent. */
  start(): Promise<number> {
    this.#subscription ??= this.api.subscribe(Comlink.proxy((change) => this.#emit(change)));
    return this.#subscription;
  }

  /** Ends the node subscription; listeners stay but hear nothing more. */
  async stop(): Promise<void> {
    const pending = this.#subscription;
    this.#subscription = undefined;
    if (pending) await this.api.unsubscribe(await pending);
  }

  /** Calls `listener` on each change; returns the function that stops it. */
  listen(listener: (change: NodeChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(change: NodeChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}

/**
 * A Lit controller that listens to the host's current session while the host
 * is connected, and follows the host when its session property changes.
 */
export class SessionListener implements ReactiveController {
  #session?: NodeSession;
  #stop?: () => void;
  #connected = false;

  constructor(
    host: ReactiveControllerHost,
    private readonly session: () => NodeSession | undefined,
    private readonly onChange: (change: NodeChange) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#attach();
  }

  hostUpdated(): void {
    if (this.session() !== this.#session) this.#attach();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#stop?.();
    this.#stop = undefined;
    this.#session = undefined;
  }

  #attach(): void {
    this.#stop?.();
    this.#stop = undefined;
    this.#session = this.#connected ? this.session() : undefined;
    if (this.#session) this.#stop = this.#session.listen(this.onChange);
  }
}
