/**
 * Joining a room through other servers: for each `via` server in turn,
 * `GET make_join` → our signed join (join-event.ts) → `PUT v2 send_join` →
 * every returned event verified (verify-join-answer.ts) → `install` (the node
 * stores the room in one write). The first server that gets us in wins; if
 * none does, JoinFailedError says what each one answered.
 *
 * A server whose answer fails verification may already have accepted our join
 * (it answers after accepting): the next server then gets a second join from
 * us, which is harmless (a join after a join changes nothing but the event).
 */
import { MatrixError } from '../../core/errors.js';
import type { KeyLookup } from '../../core/event-signing.js';
import type { RoomId } from '../../core/ids.js';
import type { JsonObject } from '../../core/json.js';
import { SUPPORTED_ROOM_VERSIONS } from '../../core/room-versions.js';
import { userIdOf } from '../../node/identity.js';
import type { JoinedRoom } from '../../node/join/store-joined-room.js';
import type { IdentityRecord } from '../../store/records.js';
import type { FederationClient } from '../client.js';
import { RemoteMatrixError } from '../remote-errors.js';
import { isTransportError } from '../transport-errors.js';
import { signJoinFromTemplate } from './join-event.js';
import { verifyJoinAnswer } from './verify-join-answer.js';

/** What a remote join needs. */
export interface RemoteJoinContext {
  client: Pick<FederationClient, 'request'>;
  /** Event signature keys (KeyRing's `lookup`). */
  keyLookup: KeyLookup;
  identity: () => IdentityRecord;
  now: () => number;
  /** Stores the verified room (TidepoolNode.installJoinedRoom); `resident` answered send_join. */
  install: (joined: JoinedRoom, resident: string) => Promise<void>;
}

/** One server's answer in a failed join. */
export interface JoinAttempt {
  server: string;
  errcode: string;
  reason: string;
}

/** No via server got us into the room; `attempts` says why, server by server. */
export class JoinFailedError extends MatrixError {
  override name = 'JoinFailedError';
  constructor(
    roomId: string,
    readonly attempts: JoinAttempt[],
  ) {
    super(
      errcodeOf(attempts),
      attempts.length === 0
        ? `Cannot join ${roomId}: no server to join through was given`
        : `Cannot join ${roomId}: ${attempts.map((a) => `${a.server}: ${a.reason}`).join('; ')}`,
      attempts.some((a) => a.errcode === 'unreachable') && errcodeOf(attempts) === 'M_UNKNOWN'
        ? { httpStatus: 502 }
        : {},
    );
  }
}

/** Joins `roomId` for our user through the first of `via` that lets us in; returns the room ID. */
export async function joinThrough(
  ctx: RemoteJoinContext,
  roomId: string,
  via: readonly string[],
): Promise<RoomId> {
  const identity = ctx.identity();
  const userId = userIdOf(identity);
  const servers = [...new Set(via)].filter((server) => server !== identity.serverName);
  const attempts: JoinAttempt[] = [];
  for (const resident of servers) {
    try {
      const versions = SUPPORTED_ROOM_VERSIONS;
      const query = versions.map((v) => `ver=${encodeURIComponent(v)}`).join('&');
      const template = await ctx.client.request(
        resident,
        'GET',
        `/_matrix/federation/v1/make_join/${encodeURIComponent(roomId)}/${encodeURIComponent(userId)}?${query}`,
      );
      const facts = { resident, roomId, userId, versions };
      const join = await signJoinFromTemplate(template, facts, ctx.identity(), ctx.now());
      const answer = await ctx.client.request(
        resident,
        'PUT',
        `/_matrix/federation/v2/send_join/${encodeURIComponent(roomId)}/${encodeURIComponent(join.eventId)}`,
        join.pdu as JsonObject,
      );
      const joined = await verifyJoinAnswer(answer, {
        resident,
        roomId,
        join,
        keyLookup: ctx.keyLookup,
      });
      await ctx.install(joined, resident);
      return joined.roomId;
    } catch (error) {
      attempts.push(attemptOf(resident, error));
    }
  }
  throw new JoinFailedError(roomId, attempts);
}

/** Why one server did not get us in. */
function attemptOf(server: string, error: unknown): JoinAttempt {
  if (error instanceof RemoteMatrixError) {
    return { server, errcode: error.errcode, reason: error.message };
  }
  if (isTransportError(error)) {
    return { server, errcode: 'unreachable', reason: `unreachable (${(error as Error).message})` };
  }
  if (error instanceof MatrixError)
    return { server, errcode: error.errcode, reason: error.message };
  const reason = error instanceof Error ? error.message : String(error);
  return { server, errcode: 'M_UNKNOWN', reason };
}

/** The most telling errcode: a refusal beats a version mismatch beats "unknown room" beats the rest. */
function errcodeOf(attempts: readonly JoinAttempt[]): MatrixError['errcode'] {
  for (const code of ['M_FORBIDDEN', 'M_INCOMPATIBLE_ROOM_VERSION', 'M_NOT_FOUND'] as const) {
    if (attempts.some((a) => a.errcode === code)) return code;
  }
  return attempts.length === 0 ? 'M_INVALID_PARAM' : 'M_UNKNOWN';
}
