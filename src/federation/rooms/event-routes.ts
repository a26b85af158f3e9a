/**
 * The read endpoints about one event (server-server API, "Retrieving events"
 * and "Retrieving event authorization information"):
 *
 * - `GET /event/{eventId}` → `{origin, origin_server_ts, pdus: [pdu]}`;
 * - `GET /state_ids/{roomId}?event_id=` → `{pdu_ids, auth_chain_ids}`;
 * - `GET /state/{roomId}?event_id=` → `{pdus, auth_chain}`;
 * - `GET /event_auth/{roomId}/{eventId}` → `{auth_chain}`.
 *
 * The state is the one "prior to considering any state changes induced by
 * the requested event"; the auth chain is that of the state's events.
 */
import { MatrixError } from '../../core/errors.js';
import type { EventId } from '../../core/ids.js';
import type { JsonObject } from '../../core/json.js';
import type { Store } from '../../store/store.js';
import type { AuthenticatedRoute } from '../server/route.js';
import {
  forbidden,
  openRoom,
  pduTransaction,
  type RoomAccess,
  requireEventAccess,
  roomEvent,
  served,
} from './room-access.js';
import { eventVisibleTo } from './server-visibility.js';

/** What the event routes read. */
export interface EventRoutesOptions {
  store: Store;
  /** Our server name, for `origin` in answers. */
  serverName: () => string;
  now: () => number;
}

const V1 = '/_matrix/federation/v1';

/** The four routes. */
export function eventRoutes(options: EventRoutesOptions): AuthenticatedRoute[] {
  const { store, serverName, now } = options;

  /** The room and the event named by `event_id`, with the origin's access checked. */
  async function stateAt(roomId: string, eventId: string | null, origin: string) {
    if (eventId === null) throw new MatrixError('M_MISSING_PARAM', 'event_id is required');
    const access = await openRoom(store, roomId, origin);
    const record = await roomEvent(access, eventId);
    await requireEventAccess(access, record);
    const state = await access.reads.stateBefore(record);
    if (state === undefined) {
      throw new MatrixError('M_NOT_FOUND', `The state before ${eventId} is not known here`);
    }
    const stateIds = [...new Set(state.values())];
    const chain = await access.reads.authChain(stateIds);
    return { access, stateIds, chain };
  }

  async function pdusOf(access: RoomAccess, ids: EventId[]) {
    const records = await access.reads.events(ids);
    return records.flatMap((r) => (r === undefined ? [] : [served(r, access.room)]));
  }

  return [
    {
      method: 'GET',
      path: `${V1}/event/{eventId}`,
      auth: 'x-matrix',
      handle: async ({ origin, params }) => {
        const eventId = params.eventId!;
        const found = await store.read(['events'], (txn) => txn.events.get(eventId as EventId));
        if (found === undefined) throw new MatrixError('M_NOT_FOUND', `Unknown event ${eventId}`);
        const access = await openRoom(store, found.roomId, origin);
        const record = await roomEvent(access, eventId);
        if (!(await eventVisibleTo(access.reads, record, origin, access.inRoomNow))) {
          throw forbidden(origin, eventId);
        }
        return { body: pduTransaction(serverName(), now(), [served(record, access.room)]) };
      },
    },
    {
      method: 'GET',
      path: `${V1}/state_ids/{roomId}`,
      auth: 'x-matrix',
      handle: async ({ origin, params, query }) => {
        const { stateIds, chain } = await stateAt(params.roomId!, query.get('event_id'), origin);
        return { body: { pdu_ids: stateIds, auth_chain_ids: chain.map((r) => r.eventId) } };
      },
    },
    {
      method: 'GET',
      path: `${V1}/state/{roomId}`,
      auth: 'x-matrix',
      handle: async ({ origin, params, query }) => {
        const { access, stateIds, chain } = await stateAt(
          params.roomId!,
          query.get('event_id'),
          origin,
        );
        const pdus = await pdusOf(access, stateIds as EventId[]);
        const authChain = chain.map((r) => served(r, access.room));
        return { body: { pdus, auth_chain: authChain } as unknown as JsonObject };
      },
    },
    {
      method: 'GET',
      path: `${V1}/event_auth/{roomId}/{eventId}`,
      auth: 'x-matrix',
      handle: async ({ origin, params }) => {
        const access = await openRoom(store, params.roomId!, origin);
        const record = await roomEvent(access, params.eventId!);
        await requireEventAccess(access, record);
        const chain = await access.reads.authChain([record.eventId]);
        const authChain = chain.map((r) => served(r, access.room));
        return { body: { auth_chain: authChain } as unknown as JsonObject };
      },
    },
  ];
}
