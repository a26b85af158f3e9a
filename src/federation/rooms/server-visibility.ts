/**
 * May a server see a room's event? The spec states history visibility for
 * users ("Room History Visibility", server behaviour); a server sees what
 * its users could see, so we apply those rules to the server's users at once:
 *
 * 1. `world_readable` at the event: allow.
 * 2. one of its users' membership at the event is `join`: allow.
 * 3. `shared` (also the default, and any value we do not understand) and the
 *    server is in the room now (one of its users joined "at any point after
 *    the event was sent", as far as we can tell from the current state): allow.
 * 4. `invited` and one of its users' membership at the event is `invite`: allow.
 * 5. otherwise deny.
 *
 * "At the event" is checked against the state after the event and, for state
 * events, the state before it: the spec lets a user see a history visibility
 * change or their own membership change if either side allows it.
 */
import type { EventId } from '../../core/ids.js';
import { type StateKey, splitStateKey, stateKeyOf } from '../../core/pdu.js';
import type { RoomReadsForFederation, StateMap } from '../../node/room-reads-for-federation.js';
import type { EventRecord } from '../../store/records.js';

/** The values history visibility may take; anything else reads as `shared`. */
const KNOWN = new Set(['world_readable', 'shared', 'invited', 'joined']);

/** What the rules need to know about one state, for one server. */
export interface VisibilityFacts {
  /** `m.room.history_visibility`'s value, `shared` when absent or not understood. */
  historyVisibility: string;
  /** The memberships of the server's users in that state. */
  memberships: string[];
}

/** Rules 1–5 above. */
export function serverMaySee(facts: VisibilityFacts, inRoomNow: boolean): boolean {
  const { historyVisibility: hv, memberships } = facts;
  if (hv === 'world_readable') return true;
  if (memberships.includes('join')) return true;
  if (hv === 'shared' && inRoomNow) return true;
  return hv === 'invited' && memberships.includes('invite');
}

/** The server name of a user ID (`@local:server`), or undefined. */
export function serverOfUser(userId: string): string | undefined {
  const colon = userId.indexOf(':');
  return userId.startsWith('@') && colon > 0 ? userId.slice(colon + 1) : undefined;
}

/** The member state keys of `server`'s users in `state`. */
function memberKeysOf(state: StateMap, server: string): StateKey[] {
  return [...state.keys()].filter((key) => {
    const [type, stateKey] = splitStateKey(key);
    return type === 'm.room.member' && serverOfUser(stateKey) === server;
  });
}

/** Reads the facts of `state` for `server`. */
export async function factsFor(
  reads: RoomReadsForFederation,
  state: StateMap,
  server: string,
): Promise<VisibilityFacts> {
  const hvId = state.get(stateKeyOf('m.room.history_visibility', ''));
  const memberIds = memberKeysOf(state, server).map((key) => state.get(key) as EventId);
  const [hvEvents, members] = await Promise.all([
    reads.pdus(hvId === undefined ? [] : [hvId]),
    reads.pdus(memberIds),
  ]);
  const rawHv = hvEvents[0]?.content.history_visibility;
  const historyVisibility = typeof rawHv === 'string' && KNOWN.has(rawHv) ? rawHv : 'shared';
  const memberships = members.flatMap((pdu) =>
    typeof pdu.content.membership === 'string' ? [pdu.content.membership] : [],
  );
  return { historyVisibility, memberships };
}

/** True when one of `server`'s users is joined in `state`. */
export async function serverJoinedIn(
  reads: RoomReadsForFederation,
  state: StateMap,
  server: string,
): Promise<boolean> {
  return (await factsFor(reads, state, server)).memberships.includes('join');
}

/**
 * Whether `server` may see `record` (rules above), given whether it is in the
 * room now. Outliers have no known state and are never visible.
 */
export async function eventVisibleTo(
  reads: RoomReadsForFederation,
  record: EventRecord,
  server: string,
  inRoomNow: boolean,
): Promise<boolean> {
  const after = await reads.stateAfter(record);
  if (after === undefined) return false;
  if (serverMaySee(await factsFor(reads, after, server), inRoomNow)) return true;
  if (record.pdu.state_key === undefined || record.status === 'rejected') return false;
  const before = await reads.stateBefore(record);
  return before !== undefined && serverMaySee(await factsFor(reads, before, server), inRoomNow);
}
