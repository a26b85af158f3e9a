/**
 * Resolving another server's room alias: `GET /query/directory` on the server
 * the alias names (the spec: "Homeservers should only query room aliases that
 * belong to the target server"), its answer checked before use.
 */
import { MatrixError } from '../../core/errors.js';
import {
  isValidLegacyRoomId,
  isValidRoomId,
  isValidServerName,
  serverNameOf,
} from '../../core/identifiers.js';
import type { FederationClient } from '../client.js';
import { RemoteMatrixError } from '../remote-errors.js';
import { isTransportError } from '../transport-errors.js';

/** Most servers of an answer we keep: each one may cost a join attempt. */
export const MAX_ALIAS_SERVERS = 20;

/** Where an alias points. */
export interface ResolvedAlias {
  roomId: string;
  /** Servers likely to hold the room, as the alias's server named them (valid names only). */
  servers: string[];
}

/**
 * The alias could not be resolved: `M_NOT_FOUND` when its server does not
 * know it, `M_UNKNOWN` (502) when the server was unreachable or answered
 * something unusable; `cause` holds the underlying failure.
 */
export class AliasNotResolvedError extends MatrixError {
  override name = 'AliasNotResolvedError';
}

/** Asks the alias's own server where `alias` points. */
export async function resolveRemoteAlias(
  client: Pick<FederationClient, 'request'>,
  alias: string,
): Promise<ResolvedAlias> {
  const server = serverNameOf(alias) ?? '';
  let answer: Awaited<ReturnType<FederationClient['request']>>;
  try {
    answer = await client.request(
      server,
      'GET',
      `/_matrix/federation/v1/query/directory?room_alias=${encodeURIComponent(alias)}`,
    );
  } catch (cause) {
    if (cause instanceof RemoteMatrixError && cause.httpStatus === 404) {
      throw new AliasNotResolvedError('M_NOT_FOUND', `${server} does not know the alias ${alias}`, {
        cause,
      });
    }
    const why = isTransportError(cause) ? 'is unreachable' : 'refused the query';
    throw new AliasNotResolvedError('M_UNKNOWN', `Cannot resolve ${alias}: ${server} ${why}`, {
      cause,
      httpStatus: 502,
    });
  }
  const { room_id: roomId, servers } = answer;
  if (!(isValidLegacyRoomId(roomId) || isValidRoomId(roomId, '12')) || !Array.isArray(servers)) {
    throw new AliasNotResolvedError(
      'M_UNKNOWN',
      `Cannot resolve ${alias}: ${server} answered without a valid room_id and servers`,
      { httpStatus: 502 },
    );
  }
  const valid = servers.filter((name): name is string => isValidServerName(name));
  return { roomId, servers: [...new Set(valid)].slice(0, MAX_ALIAS_SERVERS) };
}
