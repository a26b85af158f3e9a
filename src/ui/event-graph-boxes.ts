/**
 * Creates the event boxes a batch per frame, newest first (the view opens at
 * the bottom), so a new view does not create all of a 500-event room's boxes
 * (some 3,000 SVG elements) in one task.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Event boxes first created per frame. */
export const BOXES_PER_FRAME = 50;

/** How many of the newest events have boxes yet; one more batch each frame until all have. */
export class BoxBatches implements ReactiveController {
  #shown = 0;
  #growing = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The number of events drawn now. */
    private readonly total: () => number,
    /** Runs a callback before the next paint; tests give their own queue of frames. */
    private readonly nextFrame: (callback: () => void) => void = (callback) =>
      requestAnimationFrame(callback),
  ) {
    host.addController(this);
  }

  /** How many of the newest events have boxes. */
  get shown(): number {
    return this.#shown;
  }

  /** A first drawing of `total` events: its first batch at once. Later drawings keep what is shown. */
  start(total: number): void {
    if (this.#shown === 0) this.#set(Math.min(BOXES_PER_FRAME, total));
  }

  /** No boxes (a new room): they are created in batches again. */
  reset(): void {
    this.#set(0);
  }

  hostUpdated(): void {
    if (this.#shown < this.total() && !this.#growing) {
      this.#growing = true;
      this.nextFrame(() => {
        this.#growing = false;
        this.#set(Math.min(this.#shown + BOXES_PER_FRAME, this.total()));
      });
    }
  }

  // A render only on a change, as a Lit @state property would.
  #set(shown: number): void {
    if (shown !== this.#shown) this.host.requestUpdate();
    this.#shown = shown;
  }
}
