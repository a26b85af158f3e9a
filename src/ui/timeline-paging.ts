import type { TimelinePage } from '../node/api.js';
import { errorText } from './errors.js';
import { afterPaint } from './timeline-pace.js';
import type { TimelineReader } from './timeline-reader.js';
import { MAX_READ, PAGE } from './timeline-sizes.js';

/**
 * The timeline's reads at its ends, as the reader scrolls there: older items
 * near the top, the dropped newer ones near the bottom, a step per frame so
 * scrolling stays smooth (timeline-pace.ts); and, when the local history
 * ends, older events asked of other servers.
 */

/**
 * Answers whether older events may exist on other servers: resolves true when
 * it fetched some (the timeline reads them), false when the room has no more.
 */
export type BackfillHandler = () => Promise<boolean>;

/**
 * Reads older items while the view is near the top, a step per frame, each
 * read while the last is put in; the view keeps the first visible item in place.
 */
export async function readOlder(reader: TimelineReader): Promise<void> {
  const api = reader.view.api();
  const roomId = reader.view.roomId();
  const win = reader.window;
  if (!api || !win.older || reader.status.loadingOlder) return;
  const reading = reader.reading;
  reader.set({ loadingOlder: true });
  let ahead: { token: string; page: Promise<TimelinePage> } | undefined;
  const read = (token: string) => {
    const page = api.timeline(roomId, { from: token, limit: reader.pace.size });
    page.catch(() => undefined);
    return { token, page };
  };
  try {
    for (;;) {
      const token = win.older;
      if (!token || reading !== reader.reading) break;
      const generation = reader.reads.current;
      const page = await (ahead?.token === token ? ahead : read(token)).page;
      ahead = undefined;
      if (reading !== reader.reading) return;
      reader.reads.mark(page.items, generation);
      const started = performance.now();
      await reader.change(() => {
        if (win.older === token) win.prepend(page);
      }, 'newer');
      reader.pace.took(page.items.length, performance.now() - started);
      reader.set({ error: undefined });
      if (!reader.scroll.nearTop()) break;
      if (win.older) ahead = read(win.older);
      await afterPaint();
    }
  } catch (error) {
    if (reading === reader.reading)
      reader.set({ error: `Could not read older messages: ${errorText(error)}` });
  } finally {
    if (reading === reader.reading) reader.set({ loadingOlder: false });
  }
  await reader.host.updateComplete;
  if (reading === reader.reading && !reader.status.error) reader.checkEnds();
}

/** Reads the dropped newer items again while the view is near the bottom, a step per frame. */
export async function readNewer(reader: TimelineReader): Promise<void> {
  const api = reader.view.api();
  const roomId = reader.view.roomId();
  const win = reader.window;
  if (!api || win.live || reader.loadingNewer) return;
  const reading = reader.reading;
  reader.loadingNewer = true;
  try {
    while (reading === reader.reading && !win.live && reader.scroll.nearBottom()) {
      const chunk = win.newer.at(-1);
      if (!chunk) break;
      const generation = reader.reads.current;
      const limit = Math.min(MAX_READ, chunk.count + 1);
      const page = await api.timeline(roomId, { from: chunk.from, limit });
      if (reading !== reader.reading) return;
      reader.reads.mark(page.items, generation);
      const started = performance.now();
      let added = 0;
      await reader.change(() => {
        added = win.takeNewer(chunk, page, reader.pace.size).length;
      }, 'older');
      reader.pace.took(added, performance.now() - started);
      reader.set({ error: undefined });
      await afterPaint();
    }
  } catch (error) {
    if (reading === reader.reading)
      reader.set({ error: `Could not read newer messages: ${errorText(error)}` });
  } finally {
    if (reading === reader.reading) reader.loadingNewer = false;
  }
  // Back at the newest: new events may have come meanwhile.
  if (reading === reader.reading && win.live) void reader.refreshSoon();
}

/** Local history is exhausted: ask other servers (if we can) for what is older. */
export async function readBackfill(reader: TimelineReader): Promise<void> {
  const api = reader.view.api();
  const roomId = reader.view.roomId();
  const onBackfill = reader.view.onBackfill();
  const win = reader.window;
  const oldest = win.items[0];
  if (!api || reader.status.backfilling || reader.status.atStart || !oldest) return;
  if (oldest.type === 'm.room.create') {
    reader.set({ atStart: true });
    return;
  }
  if (!onBackfill) return;
  const reading = reader.reading;
  reader.set({ backfilling: true });
  try {
    const more = await onBackfill();
    if (reading !== reader.reading) return;
    const page = more
      ? await api.timeline(roomId, { from: String(oldest.streamOrder), limit: PAGE })
      : { items: [] };
    if (reading !== reader.reading) return;
    if (page.items.length === 0) {
      reader.set({ atStart: true });
    } else {
      await reader.change(() => {
        if (win.items[0] === oldest) win.prepend(page);
      }, 'newer');
    }
  } catch (error) {
    if (reading === reader.reading)
      reader.set({
        error: `Could not read older messages from other servers: ${errorText(error)}`,
      });
  } finally {
    reader.set({ backfilling: false });
  }
}
