/**
 * The walks over a room's history (server-server API, "Backfilling and
 * retrieving missing events"):
 *
 * - `GET /backfill/{roomId}?v=&limit=` → `{origin, origin_server_ts, pdus}`:
 *   the events named in `v` and those before them, breadth-first over
 *   `prev_events`, at most `limit` in all;
 * - `POST /get_missing_events/{roomId}` with `{earliest_events,
 *   latest_events, limit = 10, min_depth = 0}` → `{events}`: a breadth-first
 *   walk of the `prev_events` of `latest_events` (not those events
 *   themselves), skipping `earliest_events` and stopping at `limit`; oldest
 *   first.
 *
 * Both walks read the room in depth slices (depth-walk.ts), not one read
 * per level. Rejected events are walked through but never returned; soft-failed ones are
 * returned when the walk reaches them (the spec: only when requested events
 * reference them). An event the origin may not see is returned redacted.
 */
import { MatrixError } from '../../core/errors.js';
import type { EventId } from '../../core/ids.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../core/json.js';
import type { Store } from '../../store/store.js';
import type { AuthenticatedRoute } from '../server/route.js';
import { walkByDepth } from './depth-walk.js';
import { openRoom, pduTransaction, requireRoomAccess, servedToOrigin } from './room-access.js';

/** The most events one walk returns, whatever `limit` asks. */
export const MAX_WALK_EVENTS = 100;
/** `get_missing_events`'s default limit (spec). */
export const DEFAULT_MISSING_EVENTS_LIMIT = 10;

/** What the history routes read. */
export interface HistoryRoutesOptions {
  store: Store;
  serverName: () => string;
  now: () => number;
}

const V1 = '/_matrix/federation/v1';

/** The two routes. */
export function historyRoutes(options: HistoryRoutesOptions): AuthenticatedRoute[] {
  const { store, serverName, now } = options;
  return [
    {
      method: 'GET',
      path: `${V1}/backfill/{roomId}`,
      auth: 'x-matrix',
      handle: async ({ origin, params, query }) => {
        // `v` is a form array: repeated, comma-separated, or both.
        const v = query
          .getAll('v')
          .flatMap((s) => s.split(','))
          .filter((s) => s !== '');
        if (v.length === 0) throw new MatrixError('M_MISSING_PARAM', 'v is required');
        const limit = parseLimit(query.get('limit'));
        const access = await openRoom(store, params.roomId!, origin);
        await requireRoomAccess(access, v as EventId[]);
        const records = await walkByDepth(store, access.room.roomId, v as EventId[], {
          limit: Math.min(limit, MAX_WALK_EVENTS),
          includeStart: true,
        });
        const pdus = await Promise.all(records.map((r) => servedToOrigin(access, r)));
        return { body: pduTransaction(serverName(), now(), pdus) };
      },
    },
    {
      method: 'POST',
      path: `${V1}/get_missing_events/{roomId}`,
      auth: 'x-matrix',
      handle: async ({ origin, params, body }) => {
        const request = readMissingEventsBody(body);
        const access = await openRoom(store, params.roomId!, origin);
        await requireRoomAccess(access, request.latest);
        const records = await walkByDepth(store, access.room.roomId, request.latest, {
          limit: Math.min(request.limit, MAX_WALK_EVENTS),
          stopAt: new Set(request.earliest),
          minDepth: request.minDepth,
          includeStart: false,
        });
        records.sort((a, b) => a.depth - b.depth || (a.eventId < b.eventId ? -1 : 1));
        const events = await Promise.all(records.map((r) => servedToOrigin(access, r)));
        return { body: { events: events as unknown as JsonObject[] } };
      },
    },
  ];
}

/** `limit` of backfill: required, a non-negative integer. */
function parseLimit(raw: string | null): number {
  if (raw === null) throw new MatrixError('M_MISSING_PARAM', 'limit is required');
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new MatrixError('M_INVALID_PARAM', 'limit must be a non-negative integer');
  }
  return value;
}

/** The get_missing_events body, checked. */
function readMissingEventsBody(body: JsonObject | undefined) {
  if (body === undefined) throw new MatrixError('M_NOT_JSON', 'A JSON body is required');
  const ids = (name: string): EventId[] => {
    const value = body[name];
    if (!Array.isArray(value) || !value.every((id) => typeof id === 'string')) {
      throw new MatrixError('M_BAD_JSON', `${name} must be an array of event IDs`);
    }
    return value as EventId[];
  };
  const int = (name: string, fallback: number): number => {
    const value: JsonValue | undefined = body[name];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new MatrixError('M_BAD_JSON', `${name} must be a non-negative integer`);
    }
    return value;
  };
  if (!isJsonObject(body)) throw new MatrixError('M_BAD_JSON', 'The body must be an object');
  return {
    earliest: ids('earliest_events'),
    latest: ids('latest_events'),
    limit: int('limit', DEFAULT_MISSING_EVENTS_LIMIT),
    minDepth: int('min_depth', 0),
  };
}
