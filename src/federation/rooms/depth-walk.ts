/**
 * The breadth-first walk over `prev_events` that `/backfill` and
 * `/get_missing_events` answer with, reading the room in depth slices: a
 * walk of N events over a linear history is N levels, and one read
 * transaction per level (each queued behind the room's writes) made a
 * 50-event walk cost 50 transactions. Prev events sit below their children
 * in depth, so one `byDepth` slice of the next SLICE depths below what is
 * read so far usually holds the next many levels; an ID a slice did not
 * hold (a server that set odd depths) is fetched by ID in the same read.
 *
 * Same answer as RoomReadsForFederation.walkPrevs: each event visited once;
 * only this room's events; `stopAt` events and events below `minDepth` are
 * neither returned nor walked past; rejected events and outliers are walked
 * through, never returned; in visiting order, at most `limit`.
 */
import type { EventId, RoomId } from '../../core/ids.js';
import type { PrevWalkOptions } from '../../node/room-reads-for-federation.js';
import type { EventRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';

/** How many depth levels one slice reads, per event the walk may return. */
const SLICE_PER_EVENT = 2;

/** Walks back from `start` (see the file comment). */
export async function walkByDepth(
  store: Store,
  roomId: RoomId,
  start: readonly EventId[],
  options: PrevWalkOptions,
): Promise<EventRecord[]> {
  const { limit, stopAt = new Set(), minDepth = 0, includeStart } = options;
  const slice = Math.max(1, limit) * SLICE_PER_EVENT;
  const known = new Map<EventId, EventRecord | null>();
  /** Every depth at or above this one has been read (for this room). */
  let floor = Number.POSITIVE_INFINITY;

  /** Makes sure each of `ids` is in `known`: one read with the next slice and the stragglers. */
  async function ensure(ids: readonly EventId[]): Promise<void> {
    const wanted = ids.filter((id) => !known.has(id));
    if (wanted.length === 0) return;
    const top = floor === Number.POSITIVE_INFINITY ? undefined : floor - 1;
    const bottom = top === undefined ? undefined : Math.max(minDepth, top - slice + 1);
    const [chunk, direct] = await store.read(['events'], (txn) =>
      Promise.all([
        top !== undefined && bottom !== undefined && top >= bottom
          ? txn.events.byDepth(roomId, bottom, top)
          : Promise.resolve([]),
        Promise.all(wanted.map((id) => txn.events.get(id))),
      ]),
    );
    for (const record of chunk) known.set(record.eventId, record);
    wanted.forEach((id, i) => {
      known.set(id, direct[i] ?? null);
    });
    if (bottom !== undefined && top !== undefined && top >= bottom) floor = bottom;
    else {
      // The first read: slices start below the lowest event read by ID.
      const depths = direct.flatMap((r) => (r === undefined ? [] : [r.depth]));
      if (depths.length > 0) floor = Math.min(...depths);
    }
  }

  const inRoom = (record: EventRecord | null | undefined): record is EventRecord =>
    record !== null && record !== undefined && record.roomId === roomId;
  const out: EventRecord[] = [];
  const seen = new Set<EventId>(start);
  await ensure([...seen]);
  let frontier: EventId[] = [];
  for (const id of seen) {
    const record = known.get(id);
    if (!inRoom(record)) continue;
    if (includeStart) frontier.push(id);
    else frontier.push(...(record.pdu.prev_events as EventId[]).filter((p) => !seen.has(p)));
  }
  frontier = [...new Set(frontier)];
  for (const id of frontier) seen.add(id);
  while (frontier.length > 0 && out.length < limit) {
    await ensure(frontier);
    const next: EventId[] = [];
    for (const id of frontier) {
      if (out.length >= limit) break;
      const record = known.get(id);
      if (!inRoom(record)) continue;
      if (stopAt.has(record.eventId) || record.depth < minDepth) continue;
      if (record.status !== 'rejected' && record.status !== 'outlier') out.push(record);
      for (const prev of record.pdu.prev_events as EventId[]) {
        if (!seen.has(prev)) {
          seen.add(prev);
          next.push(prev);
        }
      }
    }
    frontier = next;
  }
  return out;
}
