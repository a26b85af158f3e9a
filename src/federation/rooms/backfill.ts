/**
 * Backfilling a room's history from other servers (server-server API,
 * "Backfilling and retrieving missing events"): history older than the
 * oldest events this node holds, e.g. from before we joined.
 *
 * 1. The backward extremities: the room's oldest timeline events whose
 *    `prev_events` this node lacks (or holds only as outliers); their
 *    unknown prev events are the `v` of the request.
 * 2. `GET /backfill/{roomId}?v=...&limit=` to the room's other servers with
 *    joined members, one after another until one answers.
 * 3. The answer goes through every inbound check as a historical batch
 *    (`receivePdus(..., {historical: true})`): the oldest events, whose prev
 *    events are unknown, are placed through the state before them
 *    (`/state_ids`, outliers); nothing moves the heads or the current state;
 *    the accepted events are placed below the timeline's oldest, so
 *    `timeline({from})` pages back into them.
 *
 * History ends at the create event: one we hold (as an outlier, from the
 * join) stays one, and is not asked for again.
 *
 * A server only serves what its history visibility lets us see: events from
 * before our join in a `joined` room come back redacted (content stripped).
 */
import { MatrixError } from '../../core/errors.js';
import type { KeyLookup } from '../../core/event-signing.js';
import type { EventId, RoomId } from '../../core/ids.js';
import { isJsonObject } from '../../core/json.js';
import { splitStateKey } from '../../core/pdu.js';
import type { InboundReport, ReceiveOptions } from '../../node/inbound/types.js';
import { RoomReadsForFederation } from '../../node/room-reads-for-federation.js';
import type { EventRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { FederationClient } from '../client.js';
import { gapFetcherFrom } from './fetch-missing.js';
import { MAX_WALK_EVENTS } from './history-routes.js';
import { serverOfUser } from './server-visibility.js';

/** What backfilling needs. */
export interface BackfillContext {
  node: {
    receivePdus(origin: string, pdus: unknown[], options: ReceiveOptions): Promise<InboundReport>;
  };
  store: Store;
  client: Pick<FederationClient, 'request'>;
  keyLookup: KeyLookup;
  serverName: () => string;
  onError?: (error: unknown) => void;
}

/** What one backfill did. */
export interface BackfillResult {
  /** Events newly stored from the answer (accepted, soft-failed or rejected). */
  added: number;
  /** True while older history may exist: the timeline still starts at events with unknown prev events. */
  more: boolean;
}

/** How many of the oldest timeline events are looked at for backward extremities. */
const SCAN = 200;

/**
 * Backfills up to `limit` (1–100) events of `roomId` from its other servers.
 * M_INVALID_PARAM for a bad limit, M_NOT_FOUND for a room this node is not in.
 */
export async function backfillRoom(
  context: BackfillContext,
  roomId: RoomId,
  limit: number,
): Promise<BackfillResult> {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new MatrixError(
      'M_INVALID_PARAM',
      `A backfill asks for at least one event, not ${limit}`,
    );
  }
  const room = await context.store.read(['rooms'], (txn) => txn.rooms.get(roomId));
  if (room === undefined) throw new MatrixError('M_NOT_FOUND', `This node is not in ${roomId}`);
  const v = await unknownPrevs(context.store, roomId);
  if (v.length === 0) return { added: 0, more: false };
  const query = new URLSearchParams();
  for (const id of v) query.append('v', id);
  query.set('limit', String(Math.min(limit, MAX_WALK_EVENTS)));
  const path = `/_matrix/federation/v1/backfill/${encodeURIComponent(roomId)}?${query}`;
  for (const server of await otherServers(context, roomId)) {
    let pdus: unknown[];
    try {
      const answer = await context.client.request(server, 'GET', path);
      pdus = Array.isArray(answer.pdus) ? answer.pdus.filter(isJsonObject) : [];
    } catch (error) {
      context.onError?.(error);
      continue;
    }
    const ours = pdus.filter((pdu) => isJsonObject(pdu) && pdu.room_id === roomId);
    const fetchOptions = { client: context.client };
    const report = await context.node.receivePdus(server, ours, {
      keyLookup: context.keyLookup,
      fetchGap: gapFetcherFrom(
        server,
        context.onError === undefined
          ? fetchOptions
          : { ...fetchOptions, onError: context.onError },
      ),
      historical: true,
    });
    const added = Object.values(report.outcomes).filter(
      (o) => o.status === 'accepted' || o.status === 'soft_failed' || o.status === 'rejected',
    ).length;
    return { added, more: (await unknownPrevs(context.store, roomId)).length > 0 };
  }
  return { added: 0, more: true };
}

/**
 * The unknown prev events of the room's backward extremities: among its
 * oldest timeline events (lowest depth), the prev events not stored with a
 * state (unknown, or outliers).
 */
export async function unknownPrevs(store: Store, roomId: RoomId): Promise<EventId[]> {
  const oldest = await store.read(['events'], async (txn) => {
    const found: EventRecord[] = [];
    let from = 0;
    // Outliers (the state we joined with) sit at low depths too: skip them.
    while (found.length < SCAN) {
      const chunk = await txn.events.byDepth(roomId, from, Number.MAX_SAFE_INTEGER, SCAN);
      found.push(...chunk.filter((r) => r.streamOrder !== undefined));
      if (chunk.length < SCAN) break;
      from = chunk.at(-1)!.depth + 1;
    }
    return found.slice(0, SCAN);
  });
  const prevs = [...new Set(oldest.flatMap((r) => r.pdu.prev_events as EventId[]))];
  const records = await store.read(['events'], (txn) =>
    Promise.all(prevs.map((id) => txn.events.get(id))),
  );
  // The create event held as an outlier is where history begins: nothing is before it. (A v12
  // create event has no room_id, so the inbound pipeline cannot take it as a timeline event.)
  return prevs.filter((_, i) => {
    const record = records[i];
    return record?.stateGroup === undefined && record?.pdu.type !== 'm.room.create';
  });
}

/** The room's other servers with a joined member now, ours left out, sorted. */
async function otherServers(context: BackfillContext, roomId: RoomId): Promise<string[]> {
  const reads = new RoomReadsForFederation(context.store, roomId);
  const room = await reads.room();
  if (room === undefined) return [];
  const state = await reads.currentState(room);
  const members = [...state].filter(([key]) => splitStateKey(key)[0] === 'm.room.member');
  const pdus = await reads.pdus(members.map(([, id]) => id));
  const servers = new Set<string>();
  for (const pdu of pdus) {
    const server = serverOfUser(pdu.state_key ?? '');
    if (pdu.content.membership === 'join' && server !== undefined) servers.add(server);
  }
  servers.delete(context.serverName());
  return [...servers].sort();
}
