import {
  BOTTOM_SLACK,
  fromBottom,
  INTENT_MS,
  isNearBottom,
  isNearTop,
  windowLimit,
} from './timeline-sizes.js';

/**
 * Where the timeline's view is, and keeping it at the bottom. The view is
 * "sticky" while at the bottom: new items then keep it there. A scroll away
 * ends that only when it is the user's (a wheel, touch, key or pointer press
 * just before): our own corrections and items growing under the view also
 * scroll, and must not.
 */
export class ScrollFollow {
  #sticky = true;
  #intentAt = Number.NEGATIVE_INFINITY;

  /**
   * @param scroller - the scrolling element, once rendered
   * @param live - whether the window holds the newest items (only then is the bottom the newest)
   */
  constructor(
    private readonly scroller: () => HTMLElement | undefined,
    private readonly live: () => boolean,
  ) {}

  /** At the bottom, or brought back there: new items keep the view there. */
  get sticky(): boolean {
    return this.#sticky;
  }

  /** Sticky and holding the newest items: the view stays at the newest. */
  get following(): boolean {
    return this.#sticky && this.live();
  }

  /** A new room, or a jump to the newest: at the bottom again. */
  reset(): void {
    this.#sticky = true;
  }

  /** A jump to the newest: at the bottom, whatever the user did just before. */
  jump(): void {
    this.#sticky = true;
    this.#intentAt = Number.NEGATIVE_INFINITY;
  }

  /** The user moved the view (wheel, touch, keys, scrollbar), as opposed to our own corrections. */
  readonly noteIntent = (): void => {
    this.#intentAt = performance.now();
  };

  /**
   * Keeps the view at the bottom while it is "sticky", unless the user has just
   * scrolled away (their scroll event may not have arrived yet).
   */
  followBottom(): void {
    const scroller = this.scroller();
    if (!scroller || !this.#sticky || !this.live()) return;
    if (fromBottom(scroller) >= BOTTOM_SLACK && performance.now() - this.#intentAt < INTENT_MS) {
      this.#sticky = false;
      return;
    }
    this.scrollToBottom();
  }

  scrollToBottom(): void {
    const scroller = this.scroller();
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }

  /** After a scroll event: returns true when the view is at the newest (nothing unseen). */
  scrolled(scroller: HTMLElement): boolean {
    if (fromBottom(scroller) < BOTTOM_SLACK && this.live()) {
      this.#sticky = true;
      return true;
    }
    if (performance.now() - this.#intentAt < INTENT_MS) {
      this.#sticky = false;
    } else {
      // A change under us (an item grew, a window change): back to the bottom if there.
      this.followBottom();
    }
    return false;
  }

  /** Near the top, or too little to scroll (then older items fill the view). */
  nearTop(): boolean {
    const scroller = this.scroller();
    if (!scroller) return false;
    return isNearTop(scroller, this.following);
  }

  /** Near the bottom of a window that does not reach the newest items. */
  nearBottom(): boolean {
    const scroller = this.scroller();
    if (!scroller || this.live()) return false;
    return isNearBottom(scroller);
  }

  /** The most items the window holds now: little more than a screen at the bottom. */
  limit(sticky: boolean): number {
    return windowLimit(this.scroller()?.clientHeight ?? 0, sticky);
  }
}
