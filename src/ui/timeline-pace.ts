/**
 * How fast the timeline puts in items while the reader scrolls to an end: a
 * step per frame, each step sized from how long the last ones took, so one
 * step's work stays near a budget on a fast machine and a slow one alike.
 */

/** The fewest and the most items put in per step. */
const MIN_STEP = 10;
const MAX_STEP = 100;
/** What one step's work (render, layout, keeping the view) should take, ms. */
const STEP_MS = 16;

/** Items per step, learning from each step's time. */
export class StepPace {
  /** Items to read and put in at the next step. */
  size = 30;

  /** A step put in `items` in `ms`: aim the next one at the budget. */
  took(items: number, ms: number): void {
    if (items < 5 || ms <= 0) return;
    const fit = (STEP_MS * items) / ms;
    this.size = Math.round(Math.min(MAX_STEP, Math.max(MIN_STEP, (this.size + fit) / 2)));
  }
}

/**
 * After the next paint, in a task of its own: a step's rendering then never
 * shares a task with the frame's other animation callbacks and painting.
 */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
