/**
 * Phase one of a local send (see doc/node.md): everything that is not storage.
 * Each draft is built and authorised against the state after the previous
 * draft of the batch; its signature starts at once (WebCrypto signs
 * concurrently, off this thread), and the signed events are checked against
 * the PDU format. Only a fully prepared batch goes on to the write.
 */
import { signHashedEvent } from '../core/event-signing.js';
import type { EventId, RoomId, UserId } from '../core/ids.js';
import { isJsonObject } from '../core/json.js';
import type { Pdu } from '../core/pdu.js';
import type { RoomVersionRules } from '../core/room-versions.js';
import { validatePdu } from '../core/validate-pdu.js';
import type { IdentityRecord } from '../store/records.js';
import { buildLocalEvent, type LocalDraft } from './build-local-event.js';
import { type BaseState, WorkingState } from './working-state.js';

/** Where a batch starts. */
export interface BatchStart {
  /** Undefined when the batch creates a version 12 room. */
  roomId: RoomId | undefined;
  rules: RoomVersionRules;
  heads: EventId[];
  depth: number;
  state: BaseState;
}

/** One signed event of a batch, with what the write needs to know about it. */
export interface PreparedEvent {
  eventId: EventId;
  pdu: Pdu;
  depth: number;
  /** Set for a redaction: the event it redacts. */
  redacts?: EventId;
  /** Set for an `m.replace` edit: the event it edits. */
  replaces?: EventId;
}

/** A batch ready to write. */
export interface PreparedBatch {
  roomId: RoomId;
  roomVersion: string;
  events: PreparedEvent[];
  /** The state after the batch. */
  state: WorkingState;
  depth: number;
}

/** The sender's identity and clock. */
export interface Signer {
  identity: IdentityRecord;
  userId: UserId;
  now: () => number;
}

/** Builds, authorises and signs `drafts` in order; throws (changing nothing) on the first refusal. */
export async function prepareBatch(
  start: BatchStart,
  drafts: readonly LocalDraft[],
  signer: Signer,
): Promise<PreparedBatch> {
  if (drafts.length === 0) throw new Error('prepareBatch needs at least one draft');
  const state = new WorkingState(start.state);
  let roomId = start.roomId;
  let heads = start.heads;
  let depth = start.depth;
  const built: PreparedEvent[] = [];
  const { serverName, signingKey } = signer.identity;
  // Each signature starts as soon as its event is built: WebCrypto signs off
  // this thread while the next events are hashed and authorised. A refusal
  // later in the batch leaves these signatures unused, and nothing is written.
  const signing: Promise<Pdu>[] = [];
  for (const draft of drafts) {
    const position = { roomId, rules: start.rules, prevEvents: heads, prevDepth: depth };
    const event = buildLocalEvent(draft, position, state, signer.userId, signer.now());
    roomId = event.roomId;
    if (typeof event.pdu.state_key === 'string') {
      state.set(event.eventId, event.pdu as Pdu & { state_key: string });
    }
    built.push({ eventId: event.eventId, pdu: event.pdu, depth: event.depth, ...relations(draft) });
    const sign = signHashedEvent(
      event.pdu,
      start.rules,
      serverName,
      signingKey.keyId,
      signingKey.seed,
    );
    sign.catch(() => undefined); // observed by Promise.all below, unless a refusal comes first
    signing.push(sign);
    heads = [event.eventId];
    depth = event.depth;
  }
  const signed = await Promise.all(signing);
  const events = built.map((event, i) => {
    // M_TOO_LARGE or M_BAD_JSON for anything the spec's PDU format refuses.
    const pdu = validatePdu(signed[i], start.rules);
    return { ...event, pdu };
  });
  if (roomId === undefined) throw new Error('unreachable: a batch always has a room ID');
  return { roomId, roomVersion: start.rules.id, events, state, depth };
}

/** What the write must mark on other events: the redacted one, the edited one. */
function relations(draft: LocalDraft): { redacts?: EventId; replaces?: EventId } {
  if (draft.type === 'm.room.redaction' && draft.redacts !== undefined) {
    return { redacts: draft.redacts };
  }
  const relation = draft.content['m.relates_to'];
  if (
    draft.type === 'm.room.message' &&
    isJsonObject(relation) &&
    relation.rel_type === 'm.replace' &&
    typeof relation.event_id === 'string'
  ) {
    return { replaces: relation.event_id as EventId };
  }
  return {};
}
