/**
 * Runs event-graph layouts one at a time on a backend (the layout worker),
 * newest first: a layout asked for while another runs waits, and replaces any
 * layout still waiting, whose caller gets `undefined` (stale). `cancel()`
 * drops the running one too, ending its backend: after a change of room, the
 * old room's layout is not worth finishing.
 */
import type { GraphLayout, LayoutInput } from './event-graph-geometry.js';
import { type PackedLayout, unpackLayout } from './event-graph-layout-pack.js';

/** Where layouts run; `close` stops whatever it is doing. */
export interface LayoutBackend {
  layout(nodes: LayoutInput[]): Promise<PackedLayout>;
  close(): void;
}

interface Job {
  nodes: LayoutInput[];
  resolve(layout: GraphLayout | undefined): void;
  reject(error: unknown): void;
}

/** One view's layouts: at most one running and one waiting. */
export class LayoutRunner {
  #backend?: LayoutBackend;
  #running?: Job;
  #waiting?: Job;

  /** `start` makes a backend when one is first needed, and again after `cancel`. */
  constructor(private readonly start: () => LayoutBackend) {}

  /** True while a layout runs or waits. */
  get busy(): boolean {
    return this.#running !== undefined || this.#waiting !== undefined;
  }

  /** Lays out `nodes`; `undefined` when a newer layout was asked for before this one started, or `cancel` came first. */
  run(nodes: readonly LayoutInput[]): Promise<GraphLayout | undefined> {
    this.#waiting?.resolve(undefined);
    // Only what the layout reads crosses to the worker.
    const input = nodes.map(({ eventId, depth, prevEvents }) => ({
      eventId,
      depth,
      prevEvents: [...prevEvents],
    }));
    const done = new Promise<GraphLayout | undefined>((resolve, reject) => {
      this.#waiting = { nodes: input, resolve, reject };
    });
    this.#next();
    return done;
  }

  /** Drops the waiting and running layouts (their callers get `undefined`) and ends the backend. */
  cancel(): void {
    this.#waiting?.resolve(undefined);
    this.#waiting = undefined;
    if (this.#running !== undefined) {
      this.#running.resolve(undefined);
      this.#running = undefined;
      this.#backend?.close();
      this.#backend = undefined;
    }
  }

  /** Ends the backend for good (the view left the page); a later `run` starts a new one. */
  close(): void {
    this.cancel();
    this.#backend?.close();
    this.#backend = undefined;
  }

  #next(): void {
    const job = this.#waiting;
    if (this.#running !== undefined || job === undefined) return;
    this.#waiting = undefined;
    this.#running = job;
    this.#backend ??= this.start();
    this.#backend.layout(job.nodes).then(
      (packed) => this.#finish(job, () => job.resolve(unpackLayout(packed))),
      (error: unknown) =>
        this.#finish(job, () => {
          // The worker may be broken (it failed to load): the next layout starts a new one.
          this.#backend?.close();
          this.#backend = undefined;
          job.reject(error);
        }),
    );
  }

  #finish(job: Job, settle: () => void): void {
    // A cancelled job was settled already, and its backend is gone.
    if (this.#running !== job) return;
    this.#running = undefined;
    settle();
    this.#next();
  }
}
