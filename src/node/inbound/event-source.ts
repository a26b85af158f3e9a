/**
 * What the pipeline reads from the store, cached for one batch: event records
 * by ID, the full state of state groups, and auth chains (state resolution
 * needs every event of the state sets and of their auth chains). Each load is
 * one short read transaction; the pipeline holds the room's lock, so nothing
 * else writes the room meanwhile. `pdus` doubles as state resolution's event
 * lookup: the batch's own events are added to it as they are judged.
 * Records and states kept from earlier batches (`KnownEvents`) are taken
 * from memory, and what is read is kept there for the next batch.
 */
import type { EventId, RoomId } from '../../core/ids.js';
import type { Pdu, StateKey } from '../../core/pdu.js';
import type { EventRecord, RoomRecord, StateGroupId } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { KnownEvents } from './known-events.js';

/** A read-through cache of one room's stored events and state groups. */
export class EventSource {
  private readonly records = new Map<EventId, EventRecord | null>();
  private readonly groups = new Map<StateGroupId, Map<StateKey, EventId>>();
  /** Events whose whole auth chain is already in `pdus`. */
  private readonly chained = new Set<EventId>();
  /** Every event known to this batch, stored or new: state resolution's lookup. */
  readonly pdus = new Map<string, Pdu>();

  constructor(
    private readonly store: Store,
    readonly roomId: RoomId,
    private readonly known?: KnownEvents,
  ) {}

  /** The room's record, or undefined if this node is not in the room. */
  room(): Promise<RoomRecord | undefined> {
    return this.store.read(['rooms'], (txn) => txn.rooms.get(this.roomId));
  }

  /** Reads the records of `ids` not read yet, in one read transaction. */
  async load(ids: Iterable<EventId>): Promise<void> {
    const wanted = this.unread(ids);
    if (wanted.length === 0) return;
    const found = await this.store.read(['events'], (txn) =>
      Promise.all(wanted.map((id) => txn.events.get(id))),
    );
    this.keep(wanted, found);
  }

  /**
   * `load(ids)` and `state(group)` in ONE read transaction, every request
   * issued at once (IndexedDB queues them): what a batch needs first — its own
   * IDs (duplicates), the events they cite, the room's current state. IDs in
   * `probe` (the batch's own: almost never stored) are first asked for their
   * key only, so the usual answer, "absent", costs no record read.
   */
  async prefetch(
    ids: Iterable<EventId>,
    group: StateGroupId,
    probe: ReadonlySet<EventId> = new Set(),
  ): Promise<void> {
    const wanted = this.unread(ids);
    const known = this.groups.get(group) ?? this.known?.state(group);
    if (known !== undefined) this.groups.set(group, known);
    if (wanted.length === 0 && known !== undefined) return;
    const [found, state] = await this.store.read(['events', 'stateGroups'], (txn) =>
      Promise.all([
        Promise.all(
          wanted.map((id) =>
            probe.has(id)
              ? txn.events.has(id).then((stored) => (stored ? txn.events.get(id) : undefined))
              : txn.events.get(id),
          ),
        ),
        known === undefined ? txn.stateGroups.resolve(group) : undefined,
      ]),
    );
    this.keep(wanted, found);
    if (state !== undefined) this.keepState(group, state);
  }

  /** True when `ids` are all read (stored or known absent) or known to the batch: `load` would not read. */
  loaded(ids: Iterable<EventId>): boolean {
    for (const id of ids) if (!this.has(id)) return false;
    return true;
  }

  /** True when `id` is read or known to the batch, taking a record kept from earlier batches. */
  private has(id: EventId): boolean {
    if (this.records.has(id) || this.pdus.has(id)) return true;
    const known = this.known?.record(id);
    if (known === undefined) return false;
    this.records.set(id, known);
    this.pdus.set(id, known.pdu);
    return true;
  }

  /** The IDs not read yet (those kept from earlier batches are taken from memory on the way). */
  private unread(ids: Iterable<EventId>): EventId[] {
    return [...new Set(ids)].filter((id) => !this.has(id));
  }

  private keep(wanted: readonly EventId[], found: readonly (EventRecord | undefined)[]): void {
    wanted.forEach((id, i) => {
      const record = found[i];
      this.records.set(id, record ?? null);
      if (record === undefined) return;
      this.pdus.set(id, record.pdu);
      this.known?.rememberRecord(record);
    });
  }

  private keepState(group: StateGroupId, state: Map<StateKey, EventId>): void {
    this.groups.set(group, state);
    this.known?.rememberState(group, state);
  }

  /**
   * Treats `record` (an outlier this batch will write) as stored from now on:
   * the checks find it like any stored event.
   */
  addPlanned(record: EventRecord): void {
    this.records.set(record.eventId, record);
    this.pdus.set(record.eventId, record.pdu);
  }

  /** The stored record of `id` (after `load`), or undefined. */
  stored(id: EventId): EventRecord | undefined {
    return this.records.get(id) ?? undefined;
  }

  /** The full state of a stored group. */
  async state(group: StateGroupId): Promise<Map<StateKey, EventId>> {
    let state = this.groups.get(group) ?? this.known?.state(group);
    if (state === undefined) {
      state = await this.store.read(['stateGroups'], (txn) => txn.stateGroups.resolve(group));
    }
    this.keepState(group, state);
    return state;
  }

  /** Puts the events of `ids` and their whole auth chains into `pdus` (missing ones are left out). */
  async loadAuthChains(ids: Iterable<EventId>): Promise<void> {
    let frontier = [...new Set(ids)].filter((id) => !this.chained.has(id));
    while (frontier.length > 0) {
      await this.load(frontier);
      const next = new Set<EventId>();
      for (const id of frontier) {
        this.chained.add(id);
        for (const authId of this.pdus.get(id)?.auth_events ?? []) {
          if (!this.chained.has(authId as EventId)) next.add(authId as EventId);
        }
      }
      frontier = [...next];
    }
  }
}
