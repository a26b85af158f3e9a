/**
 * The query endpoints (server-server API, `data/api/server-server/query.yaml`),
 * both X-Matrix authenticated:
 *
 * - `GET /_matrix/federation/v1/query/directory?room_alias=` → `{room_id,
 *   servers}` for an alias this node hosts, 404 `M_NOT_FOUND` otherwise;
 * - `GET /_matrix/federation/v1/query/profile?user_id=&field=` → the local
 *   user's `displayname` / `avatar_url` (only `field` if given), 404
 *   `M_NOT_FOUND` for any other user of ours.
 *
 * See doc/federation.md, "Directory and profiles".
 */
import { MatrixError } from '../../core/errors.js';
import { isValidRoomAlias, isValidUserId, serverNameOf } from '../../core/identifiers.js';
import type { JsonObject } from '../../core/json.js';
import type { TidepoolNode } from '../../node/node.js';
import type { Store } from '../../store/store.js';
import type { AuthenticatedRoute } from '../server/route.js';

/** What the query routes need. */
export interface QueryRoutesOptions {
  /** The node: our user's profile and each room's members. */
  node: Pick<TidepoolNode, 'identity' | 'members'>;
  /** Its store: the `aliases` we host. */
  store: Store;
  /** Our server name, read per request. */
  serverName: () => string;
}

/** The profile fields the spec lets `field` name. */
const PROFILE_FIELDS = ['displayname', 'avatar_url'] as const;

/** `query/directory` and `query/profile`. */
export function queryRoutes(options: QueryRoutesOptions): AuthenticatedRoute[] {
  const { node, store, serverName } = options;
  return [
    {
      method: 'GET',
      path: '/_matrix/federation/v1/query/directory',
      auth: 'x-matrix',
      handle: async ({ query }) => {
        const alias = required(query, 'room_alias');
        if (!isValidRoomAlias(alias)) {
          throw new MatrixError('M_INVALID_PARAM', `${alias} is not a valid room alias`);
        }
        // Only our own aliases are ours to answer for (the spec: servers query
        // the server named in the alias); any other is simply not found here.
        const record =
          serverNameOf(alias) === serverName()
            ? await store.read(['aliases'], (txn) => txn.aliases.get(alias))
            : undefined;
        if (record === undefined) throw new MatrixError('M_NOT_FOUND', 'Room alias not found');
        const servers = await residentServers(record.roomId, record.servers);
        return { body: { room_id: record.roomId, servers } };
      },
    },
    {
      method: 'GET',
      path: '/_matrix/federation/v1/query/profile',
      auth: 'x-matrix',
      handle: async ({ query }) => {
        const userId = required(query, 'user_id');
        const field = query.get('field');
        if (!isValidUserId(userId)) {
          throw new MatrixError('M_INVALID_PARAM', `${userId} is not a valid user ID`);
        }
        if (field !== null && !(PROFILE_FIELDS as readonly string[]).includes(field)) {
          throw new MatrixError('M_INVALID_PARAM', 'field must be displayname or avatar_url');
        }
        if (serverNameOf(userId) !== serverName()) {
          throw new MatrixError('M_INVALID_PARAM', `${userId} is not a user of this server`);
        }
        const me = await node.identity();
        if (userId !== me.userId) throw new MatrixError('M_NOT_FOUND', 'User does not exist');
        const profile: JsonObject = {};
        if (me.displayName !== undefined) profile.displayname = me.displayName;
        if (me.avatarUrl !== undefined) profile.avatar_url = me.avatarUrl;
        if (field === null) return { body: profile };
        const value = profile[field];
        return { body: value === undefined ? {} : { [field]: value } };
      },
    },
  ];

  /**
   * Servers likely to hold the room: ours first if we are joined, then every
   * other server with a joined member (sorted), then those the alias record
   * names. A room we no longer hold leaves the record's list.
   */
  async function residentServers(roomId: string, recorded: readonly string[]): Promise<string[]> {
    const me = serverName();
    const joined = new Set<string>();
    try {
      for (const member of await node.members(roomId)) {
        const server = serverNameOf(member.userId);
        if (member.membership === 'join' && server !== undefined) joined.add(server);
      }
    } catch (error) {
      if (!(error instanceof MatrixError && error.errcode === 'M_NOT_FOUND')) throw error;
    }
    const others = [...joined].filter((server) => server !== me).sort();
    const first = joined.has(me) ? [me] : [];
    return [...new Set([...first, ...others, ...recorded])];
  }
}

/** A required query parameter (400 `M_MISSING_PARAM` when absent or empty). */
function required(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === '') {
    throw new MatrixError('M_MISSING_PARAM', `The ${name} query parameter is required`);
  }
  return value;
}
