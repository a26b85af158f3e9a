import type { TimelineItem } from '../node/api.js';
import type { TimelineItemView } from './timeline-item.js';
import './timeline-item.js';

/**
 * The timeline's item elements, one per shown event, kept in a container in
 * stream order. Items come and go at both ends all the time while the reader
 * scrolls, so this reuses each event's element by its ID and touches only the
 * elements that came or went. (Lit's `repeat` leaves an empty comment behind
 * for every item it removes: over a long scroll those pile up in the list and
 * every layout walks them.)
 */
export class ItemElements {
  readonly #elements = new Map<string, TimelineItemView>();

  /**
   * Makes `container`'s children the elements of `items`, in order; `update`
   * sets each element's properties (unchanged values cost nothing).
   */
  sync(
    container: HTMLElement,
    items: readonly TimelineItem[],
    update: (element: TimelineItemView, item: TimelineItem) => void,
  ): void {
    const keep = new Set(items.map((item) => item.eventId));
    for (const [eventId, element] of this.#elements) {
      if (keep.has(eventId)) continue;
      element.remove();
      this.#elements.delete(eventId);
    }
    let next = container.firstElementChild;
    for (const item of items) {
      let element = this.#elements.get(item.eventId);
      if (!element) {
        element = document.createElement('tp-timeline-item');
        element.tabIndex = -1;
        element.dataset.eventId = item.eventId;
        this.#elements.set(item.eventId, element);
      }
      update(element, item);
      if (element === next) next = element.nextElementSibling;
      else container.insertBefore(element, next);
    }
  }
}
