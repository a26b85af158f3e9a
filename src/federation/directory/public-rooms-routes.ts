/**
 * `GET` and `POST /_matrix/federation/v1/publicRooms` (server-server API,
 * `data/api/server-server/public_rooms.yaml`): the rooms this node lists.
 * GET is public (our issue's choice; the spec asks for X-Matrix), POST
 * requires X-Matrix as the spec says. Parameters are checked here; the list
 * itself is public-rooms.ts.
 */
import { MatrixError } from '../../core/errors.js';
import { isJsonObject, type JsonObject } from '../../core/json.js';
import type { TidepoolNode } from '../../node/node.js';
import type { Store } from '../../store/store.js';
import type { AuthenticatedRoute, PublicRoute } from '../server/route.js';
import { type PublicRoomsQuery, publicRoomsPage, publishedRooms } from './public-rooms.js';

/** What the public room routes need. */
export interface PublicRoomsRoutesOptions {
  /** The node: the rooms we are in and their state. */
  node: Pick<TidepoolNode, 'rooms' | 'roomState'>;
  /** Its store: the `directory` of listed rooms. */
  store: Store;
}

const PATH = '/_matrix/federation/v1/publicRooms';

/** The GET (public) and POST (X-Matrix) routes. */
export function publicRoomsRoutes(
  options: PublicRoomsRoutesOptions,
): [PublicRoute, AuthenticatedRoute] {
  const { node, store } = options;

  /** The page for `query`; a third-party network we do not have lists nothing. */
  async function answer(query: PublicRoomsQuery, thirdParty: string | undefined) {
    // No application services here: include_all_networks adds nothing, and any
    // named third-party network is empty.
    const entries = thirdParty === undefined ? await publishedRooms(node, store) : [];
    return { body: publicRoomsPage(entries, query) };
  }

  return [
    {
      method: 'GET',
      path: PATH,
      auth: 'none',
      handle: ({ query }) => {
        const request: PublicRoomsQuery = {};
        const limit = query.get('limit');
        if (limit !== null) request.limit = parseLimit(limit);
        const since = query.get('since');
        if (since !== null && since !== '') request.since = since;
        const all = query.get('include_all_networks');
        if (all !== null && all !== 'true' && all !== 'false') {
          throw new MatrixError('M_INVALID_PARAM', 'include_all_networks must be true or false');
        }
        const thirdParty = query.get('third_party_instance_id') ?? undefined;
        return answer(request, checkNetworks(all === 'true', thirdParty));
      },
    },
    {
      method: 'POST',
      path: PATH,
      auth: 'x-matrix',
      handle: ({ body }) => {
        const { query, includeAll, thirdParty } = readBody(body ?? {});
        return answer(query, checkNetworks(includeAll, thirdParty));
      },
    },
  ];
}

/** `third_party_instance_id` "can only be used if include_all_networks is false". */
function checkNetworks(includeAll: boolean, thirdParty: string | undefined): string | undefined {
  if (includeAll && thirdParty !== undefined) {
    throw new MatrixError(
      'M_INVALID_PARAM',
      'third_party_instance_id cannot be combined with include_all_networks',
    );
  }
  return thirdParty;
}

/** A query-string limit: plain non-negative digits within the safe range. */
function parseLimit(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new MatrixError('M_INVALID_PARAM', 'limit must be a non-negative integer');
  }
  return value;
}

/** The POST body (an empty object means the defaults); wrong types are 400 `M_BAD_JSON`. */
function readBody(body: JsonObject) {
  const { limit, since, filter, include_all_networks, third_party_instance_id } = body;
  const query: PublicRoomsQuery = {};
  if (limit !== undefined) {
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) {
      throw new MatrixError('M_BAD_JSON', 'limit must be a non-negative integer');
    }
    query.limit = limit;
  }
  if (since !== undefined && since !== null && since !== '') query.since = text(since, 'since');
  if (filter !== undefined && filter !== null) {
    if (!isJsonObject(filter)) throw new MatrixError('M_BAD_JSON', 'filter must be an object');
    const term = filter.generic_search_term;
    if (term !== undefined && term !== null) {
      query.searchTerm = text(term, 'filter.generic_search_term');
    }
    const types = filter.room_types;
    if (types !== undefined && types !== null) {
      if (!Array.isArray(types) || !types.every((t) => t === null || typeof t === 'string')) {
        throw new MatrixError('M_BAD_JSON', 'filter.room_types must list strings or null');
      }
      query.roomTypes = types as (string | null)[];
    }
  }
  if (include_all_networks !== undefined && typeof include_all_networks !== 'boolean') {
    throw new MatrixError('M_BAD_JSON', 'include_all_networks must be a boolean');
  }
  const thirdParty =
    third_party_instance_id === undefined
      ? undefined
      : text(third_party_instance_id, 'third_party_instance_id');
  return { query, includeAll: include_all_networks === true, thirdParty };
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new MatrixError('M_BAD_JSON', `${name} must be a string`);
  return value;
}
