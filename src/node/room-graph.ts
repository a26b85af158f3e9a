/**
 * The room's event graph as the UI draws it: the newest events (by this node's
 * stream order) with their prev_events, statuses and the current forward
 * extremities, read in one IndexedDB read transaction. Rejected events and
 * outliers have no stream order: those as deep as the newest events, and those
 * the newest events cite as prev_events, are added, so a rejected event shows
 * where it hung and a joined room's first events show what they grew from.
 */
import { InvalidInputError } from '../core/errors.js';
import type { EventId, RoomId } from '../core/ids.js';
import type { JsonObject } from '../core/json.js';
import { isStateEvent } from '../core/pdu.js';
import type { EventRecord, EventStatus } from '../store/records.js';
import type { Store } from '../store/store.js';
import { notInRoom } from './room-cache.js';

/** How many events a graph holds when the caller does not say. */
export const DEFAULT_GRAPH_LIMIT = 500;
/** The most events one graph may ask for. */
export const MAX_GRAPH_LIMIT = 2000;

/** One event of the graph. */
export interface GraphNode {
  eventId: string;
  type: string;
  /** Present for state events (possibly empty). */
  stateKey?: string;
  sender: string;
  depth: number;
  originServerTs: number;
  /** The PDU's prev_events, all of them, whether or not they are in the graph. */
  prevEvents: string[];
  /** How this node judged the event. */
  status: EventStatus;
  /** Why it was rejected or soft-failed, for humans. */
  statusReason?: string;
  isState: boolean;
  /** This node's stream position; absent for outliers. */
  streamOrder?: number;
}

/** The newest part of a room's event graph. */
export interface RoomGraph {
  roomId: string;
  /** Events without a stream order (rejected, outliers) first by depth, then the timeline oldest first. */
  nodes: GraphNode[];
  /** The room's current forward extremities. */
  heads: string[];
  /** True when older events exist than the ones in `nodes`. */
  truncated: boolean;
}

/** Options for roomGraph. */
export interface RoomGraphOptions {
  /** At most this many timeline events (1 to MAX_GRAPH_LIMIT). Default DEFAULT_GRAPH_LIMIT. */
  limit?: number;
}

/** What the UI calls to draw the graph (NodeApi methods). */
export interface GraphReads {
  roomGraph(roomId: string, options?: RoomGraphOptions): Promise<RoomGraph>;
  graphEvent(roomId: string, eventId: string): Promise<JsonObject | undefined>;
  stateDigest(roomId: string): Promise<string>;
}

/** The newest `limit` events of `roomId` as graph nodes, and its heads. M_NOT_FOUND for an unknown room. */
export async function roomGraph(
  store: Store,
  roomId: string,
  options: RoomGraphOptions = {},
): Promise<RoomGraph> {
  const limit = options.limit ?? DEFAULT_GRAPH_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_GRAPH_LIMIT) {
    throw new InvalidInputError(`A graph holds 1 to ${MAX_GRAPH_LIMIT} events`);
  }
  return store.read(['rooms', 'events'], async (txn) => {
    const room = await txn.rooms.get(roomId as RoomId);
    if (room === undefined) throw notInRoom(roomId);
    const page = await txn.events.timeline(room.roomId, { limit });
    const records = page.events.reverse();
    const seen = new Set<string>(records.map((r) => r.eventId));
    // Rejected events and outliers have no stream order: take those as deep as
    // the page reaches (bounded), and the ones the page cites as prev_events.
    const offStream: EventRecord[] = [];
    const add = (record: EventRecord | undefined) => {
      if (record === undefined || record.streamOrder !== undefined || seen.has(record.eventId)) {
        return;
      }
      if (record.roomId !== room.roomId) return;
      seen.add(record.eventId);
      offStream.push(record);
    };
    const minDepth = Math.min(...records.map((r) => r.depth));
    if (Number.isFinite(minDepth)) {
      const deep = await txn.events.byDepth(
        room.roomId,
        minDepth,
        Number.MAX_SAFE_INTEGER,
        2 * limit,
      );
      for (const record of deep) add(record);
    }
    for (const record of records) {
      for (const prev of record.pdu.prev_events) {
        if (!seen.has(prev)) add(await txn.events.get(prev as EventId));
      }
    }
    offStream.sort((a, b) => a.depth - b.depth || (a.eventId < b.eventId ? -1 : 1));
    // Nothing in the spec bounds prev_events: at most `limit` of these, the deepest.
    const kept = offStream.slice(-limit);
    return {
      roomId: room.roomId,
      nodes: [...kept, ...records].map(graphNode),
      heads: [...room.heads],
      truncated: page.next !== undefined || kept.length < offStream.length,
    };
  });
}

/**
 * The stored PDU of `eventId` in `roomId`, for the "event JSON" panel; undefined
 * if this node does not have it. M_NOT_FOUND for an unknown room.
 */
export async function graphEvent(
  store: Store,
  roomId: string,
  eventId: string,
): Promise<JsonObject | undefined> {
  return store.read(['rooms', 'events'], async (txn) => {
    const room = await txn.rooms.get(roomId as RoomId);
    if (room === undefined) throw notInRoom(roomId);
    const record = await txn.events.get(eventId as EventId);
    if (record === undefined || record.roomId !== room.roomId) return undefined;
    // The ID is the reference hash, not a PDU field: shown alongside for the reader.
    return { event_id: record.eventId, ...(record.pdu as JsonObject) };
  });
}

function graphNode(record: EventRecord): GraphNode {
  const { pdu } = record;
  const node: GraphNode = {
    eventId: record.eventId,
    type: pdu.type,
    sender: pdu.sender,
    depth: record.depth,
    originServerTs: pdu.origin_server_ts,
    prevEvents: [...pdu.prev_events],
    status: record.status,
    isState: isStateEvent(pdu),
  };
  if (pdu.state_key !== undefined) node.stateKey = pdu.state_key;
  if (record.rejectionReason !== undefined) node.statusReason = record.rejectionReason;
  if (record.streamOrder !== undefined) node.streamOrder = record.streamOrder;
  return node;
}
