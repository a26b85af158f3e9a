import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineItem } from '../../src/node/api.js';
import type { TidepoolNode } from '../../src/node/node.js';
import { type KeepRange, TimelineWindow } from '../../src/ui/timeline-window.js';
import { newNode, text } from '../node/helpers.js';

/**
 * The timeline's bounded window over a real node's pages: read back to the
 * start holding at most a few items, read the dropped ones again on the way
 * down, take in events that arrived meanwhile, and never leave a gap. The
 * room shares the node's stream order with another room, so tokens are not
 * consecutive numbers.
 */

let node: TidepoolNode;
let roomId: string;
/** Every item of the room, oldest first, as the node pages them. */
let truth: TimelineItem[];

async function readAll(): Promise<TimelineItem[]> {
  const items: TimelineItem[] = [];
  let from: string | undefined;
  do {
    const page = await node.timeline(roomId, { limit: 1000, ...(from ? { from } : {}) });
    items.push(...page.items);
    from = page.next;
  } while (from !== undefined);
  return items.reverse();
}

/** The window's items are a run of the room's, with nothing missing. */
function expectContiguous(window: TimelineWindow): void {
  const ids = window.items.map((item) => item.eventId);
  const start = truth.findIndex((item) => item.eventId === ids[0]);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(ids).toEqual(truth.slice(start, start + ids.length).map((item) => item.eventId));
}

const bodyOf = (item: TimelineItem | undefined) => item?.content.body;
/** Keep the `n` oldest (or newest) held items, as a reader at that end would. */
const keepOldest = (w: TimelineWindow, n: number): KeepRange => ({
  from: (w.items[0] as TimelineItem).streamOrder,
  until: (w.items[Math.min(n, w.items.length) - 1] as TimelineItem).streamOrder,
});
const keepNewest = (w: TimelineWindow, n: number): KeepRange => ({
  from: (w.items[Math.max(0, w.items.length - n)] as TimelineItem).streamOrder,
  until: (w.items.at(-1) as TimelineItem).streamOrder,
});

/** Reads older pages to the start, trimming to `max`, checking each step. */
async function scrollUp(window: TimelineWindow, step: number, max: number): Promise<void> {
  while (window.older !== undefined) {
    window.prepend(await node.timeline(roomId, { from: window.older, limit: step }));
    window.trim(max, keepOldest(window, 10), 'newer');
    expect(window.items.length).toBeLessThanOrEqual(max);
    expectContiguous(window);
  }
}

/** Reads the dropped newer items back, trimming to `max`, checking each step. */
async function scrollDown(window: TimelineWindow, step: number, max: number): Promise<number> {
  let reads = 0;
  while (!window.live) {
    const chunk = window.newer.at(-1);
    if (!chunk) break;
    const limit = Math.min(1000, chunk.count + 1);
    window.takeNewer(chunk, await node.timeline(roomId, { from: chunk.from, limit }), step);
    window.trim(max, keepNewest(window, 10), 'older');
    expect(window.items.length).toBeLessThanOrEqual(max + step);
    expectContiguous(window);
    if (++reads > 1000) throw new Error('reading down never reached the newest');
  }
  return reads;
}

beforeAll(async () => {
  ({ node } = await newNode());
  roomId = await node.createRoom({ name: 'Window' });
  const other = await node.createRoom({ name: 'Elsewhere' });
  for (let sent = 0; sent < 300; sent += 50) {
    await node.sendMessages(
      roomId,
      Array.from({ length: 50 }, (_, i) => text(`m ${sent + i}`)),
    );
    await node.sendMessages(other, [text('elsewhere')]);
  }
  truth = await readAll();
});

afterAll(() => {
  node.close();
});

describe('TimelineWindow', () => {
  it('reads back to the start holding at most `max` items, then down to the newest again', async () => {
    const window = new TimelineWindow();
    window.reset(await node.timeline(roomId, { limit: 40 }));
    expect(window.live).toBe(true);
    expect(bodyOf(window.items.at(-1))).toBe('m 299');
    await scrollUp(window, 30, 100);
    expect(window.items[0]?.type).toBe('m.room.create');
    expect(window.live).toBe(false);
    expect(window.newer.length).toBeGreaterThan(0);
    await scrollDown(window, 25, 100);
    expect(window.live).toBe(true);
    expect(bodyOf(window.items.at(-1))).toBe('m 299');
  });

  it('takes in events that arrived while away from the newest, after the dropped ones', async () => {
    const window = new TimelineWindow();
    window.reset(await node.timeline(roomId, { limit: 40 }));
    await scrollUp(window, 50, 120);
    const edge = window.liveEdge;
    await node.sendMessages(
      roomId,
      Array.from({ length: 30 }, (_, i) => text(`late ${i}`)),
    );
    truth = await readAll();
    const arrived = (await node.timeline(roomId, { limit: 100 })).items;
    window.noteArrivals(arrived);
    expect(window.liveEdge).toBeGreaterThan(edge);
    // Arrivals beyond the window never join it directly.
    expect(window.merge(arrived).added).toEqual([]);
    await scrollDown(window, 40, 120);
    expect(bodyOf(window.items.at(-1))).toBe('late 29');
  });

  it('splits a chunk whose read does not reach the window, and still fills the gap', async () => {
    const window = new TimelineWindow();
    window.reset(await node.timeline(roomId, { limit: 100 }));
    window.dropNewest(60);
    const chunk = window.newer.at(-1);
    if (!chunk) throw new Error('no chunk');
    // Pretend the chunk was smaller: one read of count + 1 cannot reach the window.
    chunk.count = 10;
    const page = await node.timeline(roomId, { from: chunk.from, limit: chunk.count + 1 });
    expect(window.takeNewer(chunk, page, 100)).toEqual([]);
    expect(window.newer.length).toBe(2);
    const reads = await scrollDown(window, 100, 1000);
    expect(reads).toBeGreaterThan(1);
    expect(window.items.length).toBe(100);
  });

  it('appends at most `max` items per read and keeps the rest as a chunk', async () => {
    const window = new TimelineWindow();
    window.reset(await node.timeline(roomId, { limit: 100 }));
    window.dropNewest(50);
    const chunk = window.newer.at(-1);
    if (!chunk) throw new Error('no chunk');
    const page = await node.timeline(roomId, { from: chunk.from, limit: chunk.count + 1 });
    expect(window.takeNewer(chunk, page, 20)).toHaveLength(20);
    expect(window.newer).toEqual([{ from: chunk.from, count: 30 }]);
    expectContiguous(window);
  });

  it('ignores a read for a chunk that is no longer the nearest', async () => {
    const window = new TimelineWindow();
    window.reset(await node.timeline(roomId, { limit: 100 }));
    window.dropNewest(50);
    const stale = window.newer.at(-1);
    if (!stale) throw new Error('no chunk');
    window.dropNewest(20);
    const page = await node.timeline(roomId, { from: stale.from, limit: stale.count + 1 });
    expect(window.takeNewer(stale, page, 100)).toEqual([]);
    expect(window.items).toHaveLength(30);
  });

  it('trims from the end with more to spare, never inside the range kept', async () => {
    const window = new TimelineWindow();
    window.reset(await node.timeline(roomId, { limit: 100 }));
    const keep = {
      from: (window.items[20] as TimelineItem).streamOrder,
      until: (window.items[39] as TimelineItem).streamOrder,
    };
    const dropped = window.trim(30, keep, 'either');
    // 60 to spare below, 20 above: the newer end goes first, then the older.
    expect(dropped.newer).toHaveLength(60);
    expect(dropped.older).toHaveLength(10);
    expect(window.items).toHaveLength(30);
    expect(window.items[10]?.streamOrder).toBe(keep.from);
    expect(window.items.at(-1)?.streamOrder).toBe(keep.until);
    expect(window.older).toBe(String(window.items[0]?.streamOrder));
    expect(window.live).toBe(false);
  });

  it('merges new events at the newest end only while it holds the newest', async () => {
    const window = new TimelineWindow();
    window.reset(await node.timeline(roomId, { limit: 20 }));
    const [eventId] = await node.sendMessages(roomId, [text('fresh')]);
    const page = (await node.timeline(roomId, { limit: 5 })).items;
    const merged = window.merge(page);
    expect(merged.added.map((item) => item.eventId)).toEqual([eventId]);
    expect(window.liveEdge).toBe(merged.added[0]?.streamOrder);
    truth = await readAll();
    expectContiguous(window);
  });
});
