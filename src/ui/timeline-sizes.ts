/**
 * How much the timeline holds and how near an end counts as near. Both grow
 * with the height of the view: a tall view needs more items to fill it and
 * more distance to read ahead in.
 */

/** Items read for the first page of a room. */
export const PAGE = 60;
/** The most items held (and rendered) while the reader is away from the bottom. */
const MAX_ITEMS = 120;
/** At the bottom, the window holds this many items at least (more for a tall view). */
const MIN_STICKY_ITEMS = 24;
/** The most items one read of dropped newer items asks for (the node allows 1,000). */
export const MAX_READ = 1000;
/** Within this many pixels of the bottom counts as "at the bottom". */
export const BOTTOM_SLACK = 48;
/** Within this many pixels of either end (at least; two screens for a tall view), more is read. */
const PREFETCH_SLACK = 600;
/** A scroll this soon after a wheel, touch, key or pointer press is the user's. */
export const INTENT_MS = 800;
/** Membership lines' previous contents remembered beyond the window. */
export const MAX_PREVIOUS_MEMBERS = 5000;

/** The scroller's measurements these decisions read (an `HTMLElement` has them). */
export interface ScrollBox {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

/**
 * The most items the window holds for a view `viewHeight` pixels tall: little
 * more than a screen at the bottom (`sticky`), several screens elsewhere.
 */
export function windowLimit(viewHeight: number, sticky: boolean): number {
  // Items are about 40 px or taller: a tall view needs more of them.
  const perScreen = viewHeight / 40;
  return sticky
    ? Math.max(MIN_STICKY_ITEMS, Math.ceil(1.5 * perScreen))
    : Math.max(MAX_ITEMS, Math.ceil(6 * perScreen));
}

/** The distance from an end under which more is read: two screens, at least. */
export function prefetchSlack(viewHeight: number): number {
  return Math.max(PREFETCH_SLACK, 2 * viewHeight);
}

/** Pixels between the bottom of the view and the bottom of what can be scrolled. */
export function fromBottom(box: ScrollBox): number {
  return box.scrollHeight - box.scrollTop - box.clientHeight;
}

/**
 * Near the top, or too little to scroll (then older items fill the view).
 * While `sticky` (kept at the bottom) only a short view counts.
 */
export function isNearTop(box: ScrollBox, sticky: boolean): boolean {
  const short = box.scrollHeight <= box.clientHeight + 1;
  return short || (!sticky && box.scrollTop < prefetchSlack(box.clientHeight));
}

/** Near enough to the bottom to read what lies below. */
export function isNearBottom(box: ScrollBox): boolean {
  return fromBottom(box) < prefetchSlack(box.clientHeight);
}
