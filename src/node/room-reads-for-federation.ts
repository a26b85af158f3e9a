/**
 * Read-only views of a room that the federation read endpoints need (`/event`,
 * `/state`, `/state_ids`, `/event_auth`, `/backfill`, `/get_missing_events`):
 * events by ID with their room and status, the state before and after an
 * event, auth chains, and a breadth-first walk over `prev_events`. One
 * instance per request: records and resolved states are cached for it. Every
 * read is a short read transaction; nothing here writes.
 */
import type { EventId, RoomId } from '../core/ids.js';
import type { JsonObject } from '../core/json.js';
import { type Pdu, type StateKey, stateKeyOf } from '../core/pdu.js';
import { roomVersionRules } from '../core/room-versions.js';
import { resolveState } from '../core/state-res/resolve-state.js';
import type { EventRecord, RoomRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { EventSource } from './inbound/event-source.js';

/** A room's state: (type, state key) → event ID. */
export type StateMap = Map<StateKey, EventId>;

/** Options of a walk over prev_events. */
export interface PrevWalkOptions {
  /** At most this many events are returned. */
  limit: number;
  /** Neither returned nor walked past. */
  stopAt?: ReadonlySet<string>;
  /** Events below this depth are neither returned nor walked past. */
  minDepth?: number;
  /** Return the starting events themselves too (backfill), not only their ancestors. */
  includeStart: boolean;
}

/** Per-request reads of one room for the federation endpoints. */
export class RoomReadsForFederation {
  private readonly source: EventSource;

  constructor(
    store: Store,
    readonly roomId: RoomId,
  ) {
    this.source = new EventSource(store, roomId);
  }

  /** The room's record, or undefined when this node does not have the room. */
  room(): Promise<RoomRecord | undefined> {
    return this.source.room();
  }

  /** The stored records of `ids` (any status, any room), undefined for unknown ones. */
  async events(ids: readonly EventId[]): Promise<(EventRecord | undefined)[]> {
    await this.source.load(ids);
    return ids.map((id) => this.source.stored(id));
  }

  /** One stored record, or undefined. */
  async event(id: EventId): Promise<EventRecord | undefined> {
    return (await this.events([id]))[0];
  }

  /** The full state of the room after its current heads. */
  currentState(room: RoomRecord): Promise<StateMap> {
    return this.source.state(room.stateGroup);
  }

  /**
   * The state after `record` (for a rejected event, the state before it: it
   * changed nothing). Undefined for an outlier, which has no place in the graph.
   */
  async stateAfter(record: EventRecord): Promise<StateMap | undefined> {
    return record.stateGroup === undefined ? undefined : this.source.state(record.stateGroup);
  }

  /**
   * The state before `record`, "prior to considering any state changes induced
   * by the requested event": the state after its one prev event, or state
   * resolution across several (as the inbound checks computed it), empty for
   * the create event. Undefined when a prev event's state is unknown.
   */
  async stateBefore(record: EventRecord): Promise<StateMap | undefined> {
    if (record.status === 'rejected' || record.pdu.state_key === undefined) {
      return this.stateAfter(record); // no state change: before = after
    }
    const prevs = record.pdu.prev_events as EventId[];
    if (prevs.length === 0) return new Map();
    const states: StateMap[] = [];
    for (const prev of await this.events(prevs)) {
      const state = prev === undefined ? undefined : await this.stateAfter(prev);
      if (state === undefined) return undefined;
      states.push(state);
    }
    if (states.length === 1) return states[0];
    const room = await this.room();
    if (room === undefined) return undefined;
    await this.source.loadAuthChains(states.flatMap((s) => [...s.values()]));
    return resolveState(
      roomVersionRules(room.roomVersion).id,
      states,
      this.source.pdus,
    ) as StateMap;
  }

  /**
   * The content of the current state event (`type`, `stateKey`), or undefined
   * when the room's current state has none (e.g. `m.room.server_acl`, a
   * user's `m.room.member`).
   */
  async currentStateContent(
    room: RoomRecord,
    type: string,
    stateKey = '',
  ): Promise<JsonObject | undefined> {
    const id = (await this.currentState(room)).get(stateKeyOf(type, stateKey));
    return id === undefined ? undefined : (await this.pdus([id]))[0]?.content;
  }

  /** The PDUs of `ids` that are stored, in `ids` order. */
  async pdus(ids: Iterable<EventId>): Promise<Pdu[]> {
    const list = [...ids];
    return (await this.events(list)).flatMap((r) => (r === undefined ? [] : [r.pdu]));
  }

  /**
   * The auth chain of `ids`: their auth events and those events' auth events,
   * recursively (in v12 the create event too), not `ids` themselves (unless
   * one is an auth event of another). Unknown events are left out. Oldest
   * (lowest depth) first.
   */
  async authChain(ids: Iterable<EventId>): Promise<EventRecord[]> {
    // v12: the room ID names the create event, which auth_events leave out; it is still
    // part of every auth chain (a server checking the chain needs it).
    const room = await this.room();
    const implied =
      room !== undefined && roomVersionRules(room.roomVersion).createEventImpliedByRoomId
        ? (`$${this.roomId.slice(1)}` as EventId)
        : undefined;
    const found = new Map<EventId, EventRecord>();
    let frontier = [...new Set(ids)];
    const expanded = new Set<EventId>();
    while (frontier.length > 0) {
      const records = await this.events(frontier);
      const next = new Set<EventId>();
      for (const record of records) {
        if (record === undefined || expanded.has(record.eventId)) continue;
        expanded.add(record.eventId);
        const authIds = record.pdu.auth_events as EventId[];
        for (const authId of implied === undefined || record.eventId === implied
          ? authIds
          : [...authIds, implied]) {
          if (!found.has(authId)) next.add(authId);
        }
      }
      const authRecords = await this.events([...next]);
      for (const record of authRecords) if (record !== undefined) found.set(record.eventId, record);
      frontier = [...next].filter((id) => !expanded.has(id));
    }
    return [...found.values()].sort(byDepth);
  }

  /**
   * Breadth-first over `prev_events` from `start`, in this room only: each
   * event is visited once; rejected events are walked through but never
   * returned (the spec: never relayed). Returned in visiting order.
   */
  async walkPrevs(start: readonly EventId[], options: PrevWalkOptions): Promise<EventRecord[]> {
    const { limit, stopAt = new Set(), minDepth = 0, includeStart } = options;
    const out: EventRecord[] = [];
    const seen = new Set<EventId>(start);
    let frontier: EventId[] = [];
    for (const record of await this.events([...seen])) {
      if (record === undefined || record.roomId !== this.roomId) continue;
      if (includeStart) frontier.push(record.eventId);
      else frontier.push(...(record.pdu.prev_events as EventId[]).filter((id) => !seen.has(id)));
    }
    frontier = [...new Set(frontier)];
    for (const id of frontier) seen.add(id);
    while (frontier.length > 0 && out.length < limit) {
      const records = await this.events(frontier);
      const next: EventId[] = [];
      for (const record of records) {
        if (out.length >= limit) break;
        if (record === undefined || record.roomId !== this.roomId) continue;
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
}

function byDepth(a: EventRecord, b: EventRecord): number {
  return a.depth - b.depth || (a.eventId < b.eventId ? -1 : 1);
}
