/**
 * The joining side's checks on a send_join answer, before anything is stored.
 * The resident's word counts for nothing: EVERY event of `state` and
 * `auth_chain` goes through the checks a received PDU gets —
 *
 * 1. a valid PDU of the room's version, of this room (a v12 create event by
 *    its hash: the room ID names it);
 * 2. the signatures its sender's server (and a restricted join's authoriser)
 *    must have, keys from the key ring;
 * 3. the content hash — a mismatch keeps only the redacted form, as the spec
 *    says for any received event (a resident serves redacted events redacted);
 * 4. auth against its own auth_events, which must all be in the answer:
 *    unique per (type, state key), each one the selection names, then
 *    checkAuth (v12: plus the create event).
 *
 * Then the state itself: state events only, one per (type, state key), with
 * the room's create event, whose room version is the one make_join named;
 * and our join must be allowed by that state. Any failure refuses the whole
 * answer (MatrixError in words), so a forged event never reaches the store.
 */
import { authEventTypes } from '../../core/auth/auth-event-selection.js';
import { checkAuth } from '../../core/auth/check-auth.js';
import { MatrixError } from '../../core/errors.js';
import { eventIdFor, roomIdForCreate } from '../../core/event-hashes.js';
import { type KeyLookup, verifyEvent } from '../../core/event-signing.js';
import type { EventId, RoomId } from '../../core/ids.js';
import { isJsonObject, type JsonObject } from '../../core/json.js';
import { type Pdu, type StateKey, stateKeyOf } from '../../core/pdu.js';
import type { RoomVersionRules } from '../../core/room-versions.js';
import { validatePdu } from '../../core/validate-pdu.js';
import type { JoinedRoom } from '../../node/join/store-joined-room.js';
import type { SignedJoin } from './join-event.js';

/** What the answer is checked against. */
export interface JoinAnswerFacts {
  resident: string;
  roomId: string;
  join: SignedJoin;
  keyLookup: KeyLookup;
}

/** The verified answer as the node stores it; MatrixError (M_FORBIDDEN or M_BAD_JSON) when it fails. */
export async function verifyJoinAnswer(
  answer: JsonObject,
  facts: JoinAnswerFacts,
): Promise<JoinedRoom> {
  const { resident, roomId, join } = facts;
  const { rules } = join;
  const refuse = (what: string) =>
    new MatrixError('M_FORBIDDEN', `The room state ${resident} sent cannot be trusted: ${what}`);
  const { state, auth_chain: chain } = answer;
  if (!Array.isArray(state) || !Array.isArray(chain)) {
    throw new MatrixError('M_BAD_JSON', `${resident}'s send_join answer has no state/auth_chain`);
  }
  if (answer.members_omitted === true) {
    throw new MatrixError('M_BAD_JSON', `${resident} left members out, which we did not ask for`);
  }

  // Checks 1–3, every event at once (signature checks may fetch keys).
  const admitted = await Promise.all(
    [...state, ...chain].map((raw) => admitEvent(raw, roomId, rules, facts.keyLookup)),
  );
  const events = new Map<EventId, Pdu>();
  admitted.forEach((result, i) => {
    if ('error' in result)
      throw refuse(`${i < state.length ? 'state' : 'auth chain'} event ${result.error}`);
    events.set(result.eventId, result.pdu);
  });
  const stateBefore = new Map<StateKey, EventId>();
  for (const result of admitted.slice(0, state.length)) {
    if ('error' in result) continue;
    const { pdu, eventId } = result;
    if (typeof pdu.state_key !== 'string')
      throw refuse(`${eventId} in the state is not a state event`);
    const key = stateKeyOf(pdu.type, pdu.state_key);
    if (stateBefore.has(key)) throw refuse(`two state events for ${pdu.type} ${pdu.state_key}`);
    stateBefore.set(key, eventId);
  }
  const createId = stateBefore.get(stateKeyOf('m.room.create', ''));
  const create = createId === undefined ? undefined : events.get(createId);
  if (create === undefined) throw refuse('no m.room.create event in the state');
  const version = create.content.room_version ?? '1';
  if (version !== rules.id) throw refuse(`the create event says room version ${String(version)}`);
  if (rules.createEventImpliedByRoomId && createId !== `$${roomId.slice(1)}`) {
    throw refuse('the create event is not the one the room ID names');
  }

  // Check 4 for every event; the join is checked against the state.
  for (const [eventId, pdu] of events) {
    const reason = authByOwnEvents(pdu, events, rules, create);
    if (reason !== undefined) throw refuse(`${eventId} (${pdu.type}) fails auth: ${reason}`);
  }
  const selected = authEventTypes(
    'm.room.member',
    join.pdu.state_key!,
    join.pdu.sender,
    join.pdu.content,
    rules,
  );
  const joinAuth = [
    create,
    ...selected.flatMap(([type, key]) => {
      const id = stateBefore.get(stateKeyOf(type, key));
      const pdu = id === undefined ? undefined : events.get(id);
      return pdu === undefined || type === 'm.room.create' ? [] : [pdu];
    }),
  ];
  const verdict = checkAuth(join.pdu, joinAuth, rules.id);
  if (!verdict.allowed) throw refuse(`the state does not allow our join: ${verdict.reason}`);

  const signedJoin = await residentJoin(answer.event, facts);
  events.delete(join.eventId);
  return {
    roomId: roomId as RoomId,
    roomVersion: rules.id,
    join: { eventId: join.eventId, pdu: signedJoin },
    stateBefore,
    events,
  };
}

type Admitted = { eventId: EventId; pdu: Pdu } | { error: string };

/** Checks 1–3 for one event of the answer. */
async function admitEvent(
  raw: unknown,
  roomId: string,
  rules: RoomVersionRules,
  keyLookup: KeyLookup,
): Promise<Admitted> {
  let pdu: Pdu;
  try {
    pdu = validatePdu(raw, rules);
  } catch (cause) {
    return { error: `is not a valid PDU: ${describe(cause)}` };
  }
  const eventId = eventIdFor(pdu, rules);
  const inRoom =
    pdu.room_id === undefined && pdu.type === 'm.room.create'
      ? roomIdForCreate(pdu, rules) === roomId
      : pdu.room_id === roomId;
  if (!inRoom) return { error: `${eventId} is not in room ${roomId}` };
  const verified = await verifyEvent(pdu, rules, keyLookup);
  if (verified.status === 'rejected') return { error: `${eventId}: ${verified.reason}` };
  return { eventId, pdu: verified.pdu };
}

/** Check 4: undefined when `pdu` is allowed by its own auth_events (all in `events`). */
function authByOwnEvents(
  pdu: Pdu,
  events: ReadonlyMap<EventId, Pdu>,
  rules: RoomVersionRules,
  create: Pdu,
): string | undefined {
  const wanted = new Set(
    authEventTypes(pdu.type, pdu.state_key ?? '', pdu.sender, pdu.content, rules).map(([t, k]) =>
      stateKeyOf(t, k),
    ),
  );
  const seen = new Set<StateKey>();
  const authEvents: Pdu[] = [];
  for (const id of pdu.auth_events) {
    const event = events.get(id as EventId);
    if (event === undefined) return `its auth event ${id} is not in the answer`;
    if (typeof event.state_key !== 'string') return `its auth event ${id} is not a state event`;
    const key = stateKeyOf(event.type, event.state_key);
    if (seen.has(key)) return `two auth events for ${event.type} ${event.state_key}`;
    seen.add(key);
    if (!wanted.has(key)) return `its auth event ${id} (${event.type}) is not one it needs`;
    authEvents.push(event);
  }
  // v12: the room ID names the create event, which auth_events leave out.
  if (rules.createEventImpliedByRoomId && pdu !== create) authEvents.push(create);
  const result = checkAuth(pdu, authEvents, rules.id);
  return result.allowed ? undefined : result.reason;
}

/**
 * The join as the resident sent it on (`event`, with its signature added for
 * a restricted join), or ours. It must be our event: same event ID (the
 * reference hash does not cover signatures), our signature still valid.
 */
async function residentJoin(raw: unknown, facts: JoinAnswerFacts): Promise<Pdu> {
  const { join, resident } = facts;
  if (raw === undefined) return join.pdu;
  const bad = new MatrixError('M_BAD_JSON', `${resident} sent back a join that is not ours`);
  let pdu: Pdu;
  try {
    pdu = validatePdu(raw, join.rules);
  } catch {
    throw bad;
  }
  if (eventIdFor(pdu, join.rules) !== join.eventId) throw bad;
  const verified = await verifyEvent(pdu, join.rules, facts.keyLookup);
  if (verified.status !== 'valid') throw bad;
  return isJsonObject(pdu) ? pdu : join.pdu;
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
