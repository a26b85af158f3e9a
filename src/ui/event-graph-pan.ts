/**
 * Drag the drawing's background with a mouse to pan it; scrolling (wheel,
 * touch, keyboard) pans too, without this. A press on an event box is left to
 * the box (it selects), and touch keeps the browser's own panning.
 */

/** Pointer handlers for the scroller, bound once: `start` on pointerdown, `move`, `end` on up and cancel. */
export class DragPan {
  #drag?: { x: number; y: number; left: number; top: number };

  /** `scroller` is the element that scrolls, if rendered. */
  constructor(private readonly scroller: () => HTMLElement | undefined) {}

  readonly start = (event: PointerEvent): void => {
    const scroller = this.scroller();
    if (!scroller || event.pointerType !== 'mouse' || (event.target as Element).closest('.node'))
      return;
    this.#drag = {
      x: event.clientX,
      y: event.clientY,
      left: scroller.scrollLeft,
      top: scroller.scrollTop,
    };
    scroller.setPointerCapture(event.pointerId);
    scroller.classList.add('dragging');
  };

  readonly move = (event: PointerEvent): void => {
    const scroller = this.scroller();
    if (!this.#drag || !scroller) return;
    scroller.scrollLeft = this.#drag.left - (event.clientX - this.#drag.x);
    scroller.scrollTop = this.#drag.top - (event.clientY - this.#drag.y);
  };

  readonly end = (event: PointerEvent): void => {
    if (!this.#drag) return;
    this.#drag = undefined;
    this.scroller()?.releasePointerCapture(event.pointerId);
    this.scroller()?.classList.remove('dragging');
  };
}
