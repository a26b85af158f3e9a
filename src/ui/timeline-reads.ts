import type { Remote } from 'comlink';
import type { NodeApi, TimelineItem } from '../node/api.js';

/**
 * The timeline's reads beyond plain paging: what arrived since the newest
 * item known, and a run of items read again (an edit or a redaction changes
 * old items). Pages are newest first, as the node returns them.
 */

/** Items read per page when catching up with new events: a small first page, then larger. */
const FIRST_CATCH_UP = 20;
const CATCH_UP_PAGE = 200;
/** The most items one page may ask for (the node's limit). */
const MAX_LIMIT = 1000;

/** What `readSince` read, newest first, and whether it reached the newest item known. */
export interface SinceRead {
  items: TimelineItem[];
  complete: boolean;
}

/**
 * Every item newer than stream order `newest` (newest first), plus the items
 * of the last page read that are not newer (they tell where the read stopped).
 * With `enough`, one page of that many, complete or not: at the bottom of a
 * busy room only the newest items are shown, so reading all of a burst is waste.
 */
export async function readSince(
  api: Remote<NodeApi>,
  roomId: string,
  newest: number,
  enough?: number,
): Promise<SinceRead> {
  const items: TimelineItem[] = [];
  let from: string | undefined;
  let limit = enough === undefined ? FIRST_CATCH_UP : Math.min(MAX_LIMIT, enough);
  for (;;) {
    const page = await api.timeline(roomId, { limit, ...(from === undefined ? {} : { from }) });
    items.push(...page.items);
    from = page.next;
    const reached = from === undefined || (page.items.at(-1)?.streamOrder ?? -1) <= newest;
    if (reached || enough !== undefined) return { items, complete: reached };
    limit = CATCH_UP_PAGE;
  }
}

/**
 * The items from `top` to `bottom` (stream orders, inclusive) read again,
 * newest first; `count` is how many the view holds between them.
 */
export async function readRange(
  api: Remote<NodeApi>,
  roomId: string,
  top: number,
  bottom: number,
  count: number,
): Promise<TimelineItem[]> {
  const limit = Math.min(MAX_LIMIT, Math.max(1, count + 10));
  const page = await api.timeline(roomId, { from: String(bottom + 1), limit });
  return page.items.filter((item) => item.streamOrder >= top);
}
