/**
 * Phase two of a local send: ONE read-write transaction that stores a prepared
 * batch — events with stream orders, a state group per state change (events
 * that change no state share the group before them) named on each event's
 * record, redaction and edit marks, aliases, and the room record. Nothing but
 * IndexedDB requests is awaited inside, so the batch is all-or-nothing: any
 * failure aborts the transaction and is rethrown, and the caller changes its
 * in-memory view only after this resolves (after the commit).
 */
import { MatrixError } from '../core/errors.js';
import type { EventId } from '../core/ids.js';
import { stateKeyOf } from '../core/pdu.js';
import type { AliasRecord, RoomRecord, StateGroupId } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { EventsStore } from '../store/stores/events-store.js';
import type { Txn } from '../store/transaction.js';
import type { PreparedBatch } from './prepare-batch.js';

/** What else the batch's transaction writes. */
export interface AppendExtras {
  /** Aliases to point at the room; refused if one already points at another room. */
  aliases?: AliasRecord[];
  /**
   * Writes of the federation's outbox (local-send-outbox.ts), made after the
   * events' in the same transaction; resolves with what to do after the commit.
   */
  outbox?: (txn: Txn<'outbound'>) => Promise<() => void>;
}

/** What the commit produced: the new room record and each event's stream order. */
export interface AppendResult {
  record: RoomRecord;
  streamOrders: number[];
  /** The outbox's follow-up, to call now that the batch has committed. */
  afterCommit?: () => void;
}

const stores = ['events', 'counters', 'stateGroups', 'rooms', 'aliases'] as const;
/** With the outbound queue: only when an outbox writes to it, so other sends do not wait on its transactions. */
const storesWithOutbound = [...stores, 'outbound'] as const;

/**
 * Writes `batch` on top of `previous` (undefined for a new room). Rejects, with
 * nothing written, if any request fails (StoreQuotaError and friends propagate).
 */
export function appendLocalEvents(
  store: Store,
  batch: PreparedBatch,
  previous: RoomRecord | undefined,
  extras: AppendExtras = {},
): Promise<AppendResult> {
  const { roomId, events } = batch;
  const { outbox } = extras;
  return store.write(outbox === undefined ? stores : storesWithOutbound, async (txn) => {
    // First, before any other await: see CountersStore.allocateStreamOrders.
    const allocation = await txn.counters.allocateStreamOrders(events.length);
    const writes = new PendingWrites();
    writes.add(allocation.written);
    for (const alias of extras.aliases ?? []) {
      const existing = await txn.aliases.get(alias.alias);
      if (existing !== undefined && existing.roomId !== roomId) {
        throw new MatrixError('M_INVALID_PARAM', `The alias ${alias.alias} is already in use`);
      }
      await txn.aliases.put(alias);
    }
    let group: StateGroupId | undefined = previous?.stateGroup;
    const streamOrders = events.map((_, i) => allocation.first + i);
    // IndexedDB runs a transaction's requests in the order they are made, so
    // the plain writes are issued without waiting for each one: a round trip
    // per request was most of the cost of a batch. Only reads whose answer
    // shapes a later request (state groups, edit targets) are awaited.
    for (const [i, event] of events.entries()) {
      const { state_key: stateKey, type } = event.pdu;
      // The group goes on the event's record, so it is known before the add. A
      // message shares the group before it: no state group read or write at all.
      if (typeof stateKey === 'string' || group === undefined) {
        const delta =
          typeof stateKey === 'string' ? { [stateKeyOf(type, stateKey)]: event.eventId } : {};
        group = await txn.stateGroups.create(roomId, group, delta);
      }
      writes.add(
        txn.events.add({
          eventId: event.eventId,
          roomId,
          pdu: event.pdu,
          streamOrder: streamOrders[i]!,
          depth: event.depth,
          status: 'accepted',
          stateGroup: group,
        }),
      );
      if (event.redacts !== undefined) {
        writes.add(txn.events.markRedacted(event.redacts, event.eventId));
      }
      if (event.replaces !== undefined) {
        await markEdit(txn.events, event.replaces, event.eventId, event.pdu.sender);
      }
    }
    const last = events.at(-1)!;
    const record: RoomRecord = {
      roomId,
      roomVersion: batch.roomVersion,
      heads: [last.eventId],
      stateGroup: group!,
      streamPosition: streamOrders.at(-1)!,
      // Our own events are read by definition.
      unreadCount: previous?.unreadCount ?? 0,
      lastEventId: last.eventId,
    };
    writes.add(txn.rooms.put(record));
    const afterCommit = outbox === undefined ? undefined : await outbox(txn);
    await writes.settled();
    return afterCommit === undefined
      ? { record, streamOrders }
      : { record, streamOrders, afterCommit };
  });
}

/**
 * Requests issued but not yet awaited. Each gets a handler at once, so a
 * failure is never reported as unhandled while later requests are being made;
 * `settled` rethrows the first failure (the transaction is then aborted).
 */
class PendingWrites {
  private readonly pending: Promise<unknown>[] = [];

  add(request: Promise<unknown>): void {
    request.catch(() => undefined);
    this.pending.push(request);
  }

  async settled(): Promise<void> {
    await Promise.all(this.pending);
  }
}

/** Marks `original` as edited by `edit` when both come from the same sender (spec: edits by others are ignored). */
async function markEdit(
  events: EventsStore,
  original: EventId,
  edit: EventId,
  sender: string,
): Promise<void> {
  const target = await events.get(original);
  if (target !== undefined && target.pdu.sender === sender) await events.markEdited(original, edit);
}
