import type { LitVirtualizer } from '@lit-labs/virtualizer/LitVirtualizer.js';

/**
 * Keeping what the user looks at in place while older items are put above it.
 * The virtualizer keys its measurements by index, which a prepend shifts, so
 * its estimates are not trusted: the view jumps by the average rendered height
 * towards the anchor item, then is corrected to the pixel once it is rendered.
 */

/** Where the first visible item was: its event ID and its distance from the scroller's top. */
export interface Anchor {
  eventId: string;
  offset: number;
}

/** The rendered timeline items, top to bottom. */
export function renderedItems(virtualizer: LitVirtualizer | undefined): HTMLElement[] {
  return [...(virtualizer?.querySelectorAll<HTMLElement>('tp-timeline-item') ?? [])].sort(
    (a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top,
  );
}

/** The first item on screen and its distance from the top of the scroller. */
export function captureAnchor(
  scroller: HTMLElement,
  virtualizer: LitVirtualizer,
): Anchor | undefined {
  const top = scroller.getBoundingClientRect().top;
  for (const element of renderedItems(virtualizer)) {
    const box = element.getBoundingClientRect();
    if (box.bottom > top && element.dataset.eventId) {
      return { eventId: element.dataset.eventId, offset: box.top - top };
    }
  }
  return undefined;
}

/**
 * Scrolls until the anchor item is back at its offset, after `added` items were
 * put above it. `indexOf` maps an event ID to its index in the virtualizer's items.
 */
export async function restoreAnchor(
  scroller: HTMLElement,
  virtualizer: LitVirtualizer,
  anchor: Anchor,
  added: number,
  indexOf: (eventId: string) => number,
): Promise<void> {
  await virtualizer.updateComplete;
  // Before the next paint: the old view moved down by the items added above it.
  scroller.scrollTop += added * averageHeight(renderedItems(virtualizer));
  for (let pass = 0; pass < 6; pass++) {
    await settled(virtualizer);
    const rendered = renderedItems(virtualizer);
    const view = scroller.getBoundingClientRect();
    const element = rendered.find((e) => e.dataset.eventId === anchor.eventId);
    if (element) {
      const offset = element.getBoundingClientRect().top - view.top;
      if (Math.abs(offset - anchor.offset) < 1) return;
      scroller.scrollTop += offset - anchor.offset;
      continue;
    }
    const first = rendered.find((e) => e.getBoundingClientRect().bottom > view.top);
    const target = indexOf(anchor.eventId);
    const at = first?.dataset.eventId ? indexOf(first.dataset.eventId) : -1;
    if (target < 0 || at < 0) return;
    scroller.scrollTop += (target - at) * averageHeight(rendered);
  }
}

/** The mean height of rendered items (a first guess for those not measured). */
function averageHeight(elements: readonly HTMLElement[]): number {
  if (elements.length === 0) return 60;
  const total = elements.reduce((sum, e) => sum + e.getBoundingClientRect().height, 0);
  return total / elements.length;
}

/** Waits until the virtualizer has laid out and measured, or three frames, whichever is first. */
export async function settled(virtualizer: LitVirtualizer): Promise<void> {
  const frames = new Promise<void>((resolve) =>
    requestAnimationFrame(() =>
      requestAnimationFrame(() => requestAnimationFrame(() => resolve())),
    ),
  );
  await Promise.race([virtualizer.layoutComplete?.catch(() => undefined), frames]);
}
