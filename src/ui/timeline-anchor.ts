/**
 * Keeping what the reader looks at in place while items are put above it or
 * taken away above it. The items are laid out in normal flow (no estimates),
 * so one measurement before the change and one after it, in the same task
 * before the next paint, put the view back to the pixel.
 */

/** Where an item was: its event ID and its distance from the scroller's top. */
export interface Anchor {
  eventId: string;
  offset: number;
}

/** The indices of the first and last item elements inside the scroller's box. */
export interface VisibleRange {
  first: number;
  last: number;
}

/** The rendered timeline items, top to bottom (the list's children, in order). */
export function renderedItems(list: Element | undefined | null): HTMLElement[] {
  if (!list) return [];
  return [...list.children].filter(
    (e): e is HTMLElement => e instanceof HTMLElement && e.localName === 'tp-timeline-item',
  );
}

/**
 * The items inside the scroller's box widened by `margin` pixels above and
 * below, by binary search over `elements` (top to bottom): a few measurements
 * whatever the number of items.
 */
export function visibleRange(
  scroller: HTMLElement,
  elements: readonly HTMLElement[],
  margin = 0,
): VisibleRange | undefined {
  if (elements.length === 0) return undefined;
  const view = scroller.getBoundingClientRect();
  const top = view.top - margin;
  const bottom = view.bottom + margin;
  // The first element whose bottom is below the top.
  let lo = 0;
  let hi = elements.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((elements[mid] as HTMLElement).getBoundingClientRect().bottom > top) hi = mid;
    else lo = mid + 1;
  }
  const first = lo;
  // The last element whose top is above the bottom.
  lo = first;
  hi = elements.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((elements[mid] as HTMLElement).getBoundingClientRect().top < bottom) lo = mid;
    else hi = mid - 1;
  }
  return { first, last: Math.max(first, lo) };
}

/** The first item on screen and its distance from the top of the scroller. */
export function captureAnchor(
  scroller: HTMLElement,
  elements: readonly HTMLElement[],
): Anchor | undefined {
  const range = visibleRange(scroller, elements);
  const element = range ? elements[range.first] : undefined;
  const eventId = element?.dataset.eventId;
  if (!element || !eventId) return undefined;
  const top = scroller.getBoundingClientRect().top;
  return { eventId, offset: element.getBoundingClientRect().top - top };
}

/**
 * Scrolls so the anchor item is back at its offset. Returns false when the
 * item is no longer rendered (nothing to hold on to).
 */
export function restoreAnchor(
  scroller: HTMLElement,
  elements: readonly HTMLElement[],
  anchor: Anchor,
): boolean {
  const element = elements.find((e) => e.dataset.eventId === anchor.eventId);
  if (!element) return false;
  const offset = element.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
  if (Math.abs(offset - anchor.offset) >= 0.5) scroller.scrollTop += offset - anchor.offset;
  return true;
}

/**
 * Where an arrow key moves the focus: the item before or after the focused
 * one, or with none focused the last (up) or first (down) item on screen.
 */
export function arrowTarget(
  scroller: HTMLElement,
  elements: readonly HTMLElement[],
  up: boolean,
): HTMLElement | undefined {
  const focused = elements.findIndex((e) => e.matches(':focus-within'));
  if (focused >= 0) return elements[focused + (up ? -1 : 1)];
  const range = visibleRange(scroller, elements);
  return range && elements[up ? range.last : range.first];
}
