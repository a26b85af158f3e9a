/**
 * The one write of an inbound batch: planned state groups (in order, each
 * reference mapped to the ID IndexedDB gives it), a stream order for each
 * accepted event (rejected and soft-failed events get none, so the timeline
 * leaves them out), every judged event's record with its status and state
 * group, redaction and edit marks, and the room record. Only IndexedDB
 * requests are awaited inside: any failure aborts the whole batch.
 *
 * Outliers (events known and checked, with no place in the graph: the state
 * at a gap and its auth chain) are written with no stream order and no state
 * group. Backfilled history gets stream orders just below the room's oldest
 * (`historyBelow`), oldest first, so the timeline pages back into it and the
 * orders of events already shown never change; it leaves the room record
 * (heads, state, newest event, unread count) alone.
 */
import type { EventId } from '../../core/ids.js';
import type { EventRecord, RoomRecord, StateGroupId } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { Verdict } from './judge.js';
import type { TargetMark } from './marks.js';
import type { GroupRef, KnownState, PlannedGroup } from './state-plan.js';

/** Everything the write stores. */
export interface InboundWrite {
  room: RoomRecord;
  verdicts: readonly Verdict[];
  groups: readonly PlannedGroup[];
  marks: readonly TargetMark[];
  /** The room's heads and current state after the batch. */
  heads: EventId[];
  roomState: KnownState;
  /** Events that count as unread (others' messages). */
  unread: number;
  /** Outlier records to add (none stored yet). */
  outliers?: readonly EventRecord[];
  /** Stored outliers judged again (history brought them back): replaced, keeping their marks. */
  upgrades?: ReadonlyMap<EventId, EventRecord>;
  /** Historical batch: accepted events take the stream orders just below this one. */
  historyBelow?: number;
}

/** What the write stored, known once it committed. */
export interface InboundWritten {
  /** The room record after the batch (unchanged for history). */
  room: RoomRecord;
  /** The record of each verdict, as stored. */
  records: readonly EventRecord[];
  /** The stored ID of a group reference of this batch's plan. */
  groupOf: (ref: GroupRef) => StateGroupId;
}

const stores = ['events', 'counters', 'stateGroups', 'rooms'] as const;

/** Writes `batch` in one transaction; resolves after the commit with what it stored. */
export function writeInbound(store: Store, batch: InboundWrite): Promise<InboundWritten> {
  const { room, verdicts } = batch;
  const accepted = verdicts.filter((v) => v.status === 'accepted');
  const history = batch.historyBelow;
  return store.write(stores, async (txn) => {
    // First, before any other await: see CountersStore.allocateStreamOrders.
    const allocation =
      history === undefined && accepted.length > 0
        ? await txn.counters.allocateStreamOrders(accepted.length)
        : undefined;
    const writes: Promise<unknown>[] = [];
    if (allocation !== undefined) writes.push(settle(allocation.written));
    const ids: StateGroupId[] = [];
    const records: EventRecord[] = [];
    const idOf = (ref: GroupRef): StateGroupId =>
      'stored' in ref ? ref.stored : ids[ref.planned]!;
    for (const group of batch.groups) {
      ids.push(await txn.stateGroups.create(room.roomId, idOf(group.base), group.delta));
    }
    let order = history !== undefined ? history - accepted.length : (allocation?.first ?? 0);
    for (const outlier of batch.outliers ?? []) writes.push(settle(txn.events.add(outlier)));
    let last: { eventId: EventId; streamOrder: number } | undefined;
    for (const verdict of verdicts) {
      const { eventId, pdu } = verdict.candidate;
      const record: EventRecord = {
        eventId,
        roomId: room.roomId,
        pdu,
        depth: pdu.depth,
        status: verdict.status,
        stateGroup: idOf(verdict.after.group),
      };
      if (verdict.reason !== undefined) record.rejectionReason = verdict.reason;
      if (verdict.status === 'accepted') {
        record.streamOrder = order++;
        last = { eventId, streamOrder: record.streamOrder };
      }
      records.push(record);
      const outlier = batch.upgrades?.get(eventId);
      if (outlier === undefined) writes.push(settle(txn.events.add(record)));
      else {
        if (outlier.redactedBy !== undefined) record.redactedBy = outlier.redactedBy;
        if (outlier.editedBy !== undefined) record.editedBy = outlier.editedBy;
        writes.push(settle(txn.events.put(record)));
      }
    }
    // Marks after the adds: IndexedDB runs requests in order, so a target in this batch is there.
    for (const mark of batch.marks) {
      writes.push(
        settle(
          mark.kind === 'redactedBy'
            ? txn.events.markRedacted(mark.target, mark.by)
            : txn.events.markEdited(mark.target, mark.by),
        ),
      );
    }
    if (history !== undefined) {
      await Promise.all(writes);
      return { room, records, groupOf: idOf };
    }
    const record: RoomRecord = {
      ...room,
      heads: batch.heads,
      stateGroup: idOf(batch.roomState.group),
      unreadCount: room.unreadCount + batch.unread,
    };
    if (last !== undefined) {
      record.streamPosition = last.streamOrder;
      record.lastEventId = last.eventId;
    }
    writes.push(settle(txn.rooms.put(record)));
    await Promise.all(writes);
    return { room: record, records, groupOf: idOf };
  });
}

/** Handles a request's failure at once (no unhandled rejection while others are issued); still rejects. */
function settle<T>(request: Promise<T>): Promise<T> {
  request.catch(() => undefined);
  return request;
}
