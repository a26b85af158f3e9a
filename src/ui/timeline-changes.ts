import type { LitElement } from 'lit';
import type { TimelineItem } from '../node/api.js';
import { captureAnchor, renderedItems, restoreAnchor, visibleRange } from './timeline-anchor.js';
import type { TimelineReader } from './timeline-reader.js';
import { prefetchSlack } from './timeline-sizes.js';
import type { KeepRange } from './timeline-window.js';

/**
 * Changes to the timeline's window, as the reader sees them: each one
 * measures the view, changes and trims the window, renders, and puts the view
 * back where it was. They run one at a time, so each measures a settled view.
 */
export class WindowChanges {
  #queue: Promise<void> = Promise.resolve();

  constructor(private readonly reader: TimelineReader) {}

  /**
   * Changes the window with `mutate`, trims it, renders, and puts the view back:
   * at the bottom when sticky, else with the first visible item where it was.
   * `away` is the end a trim may drop from (see TimelineWindow.trim).
   */
  run(mutate: () => void, away: 'older' | 'newer' | 'either'): Promise<void> {
    const { reader } = this;
    const { view, scroll } = reader;
    const run = async (): Promise<void> => {
      const scroller = view.scroller();
      const elements = renderedItems(view.list());
      const sticky = scroll.following;
      const anchor = !sticky && scroller ? captureAnchor(scroller, elements) : undefined;
      const keep = keepRange(scroller, elements);
      mutate();
      const dropped = sticky
        ? {
            older: reader.window.dropOldest(reader.window.items.length - scroll.limit(true)),
            newer: [],
          }
        : reader.window.trim(scroll.limit(false), keep, away);
      reader.reads.forget([...dropped.older, ...dropped.newer]);
      view.sync();
      await reader.host.updateComplete;
      // New item elements render in their own updates: measure once they have.
      const rendered = renderedItems(view.list());
      await Promise.all(rendered.map((e) => (e as LitElement).updateComplete));
      if (sticky && scroll.sticky) scroll.scrollToBottom();
      else if (anchor && scroller) restoreAnchor(scroller, renderedItems(view.list()), anchor);
    };
    const done = this.#queue.then(run, run);
    this.#queue = done.catch(() => undefined);
    return done;
  }
}

/** The event an item element shows. */
export function itemOf(element: HTMLElement | undefined): TimelineItem | undefined {
  return (element as { item?: TimelineItem } | undefined)?.item;
}

/**
 * The stream orders on screen and a screen beyond the prefetch distance on
 * each side: a trim keeps them, so it never leaves the view near an end it
 * would read again at once.
 */
function keepRange(scroller: HTMLElement | undefined, elements: readonly HTMLElement[]): KeepRange {
  const margin = scroller ? prefetchSlack(scroller.clientHeight) + scroller.clientHeight : 0;
  const range = scroller ? visibleRange(scroller, elements, margin) : undefined;
  const top = range && itemOf(elements[range.first]);
  const bottom = range && itemOf(elements[range.last]);
  if (!top || !bottom) {
    return { from: Number.NEGATIVE_INFINITY, until: Number.POSITIVE_INFINITY };
  }
  return { from: top.streamOrder, until: bottom.streamOrder };
}
