/**
 * What an accepted event does to an earlier one: a redaction marks its target
 * redacted when the spec lets it apply ("Handling redactions", v3+: same
 * server as the target's sender, or the redact power level in the state at
 * the redaction); an `m.replace` edit marks its target edited when both have
 * one sender (as local edits do). Targets this node does not know are left
 * alone (no pending redactions yet).
 */
import { redactionMayApply, redactsOf } from '../../core/auth/redaction.js';
import type { EventId } from '../../core/ids.js';
import { isJsonObject } from '../../core/json.js';
import { type Pdu, type StateKey, stateKeyOf } from '../../core/pdu.js';
import type { RoomVersionRules } from '../../core/room-versions.js';
import type { EventSource } from './event-source.js';

/** A mark to put on a target's record. */
export interface TargetMark {
  kind: 'redactedBy' | 'editedBy';
  target: EventId;
  by: EventId;
}

/** The batch's verdict for an event, if the batch holds it. */
export type BatchLookup = (id: EventId) => { candidate: { pdu: Pdu }; status: string } | undefined;

/** The mark accepted event `pdu` puts on its target, if any. `before` is the state before it. */
export async function markFor(
  pdu: Pdu,
  eventId: EventId,
  before: Map<StateKey, EventId>,
  source: EventSource,
  rules: RoomVersionRules,
  batch: BatchLookup,
): Promise<TargetMark | undefined> {
  const redacts = pdu.type === 'm.room.redaction' ? redactsOf(pdu, rules) : undefined;
  const relation = pdu.content['m.relates_to'];
  const edits =
    isJsonObject(relation) &&
    relation.rel_type === 'm.replace' &&
    typeof relation.event_id === 'string'
      ? relation.event_id
      : undefined;
  const targetId = (redacts ?? edits) as EventId | undefined;
  if (targetId === undefined) return undefined;
  const target = await targetOf(targetId, source, batch);
  if (target === undefined) return undefined;
  if (redacts !== undefined) {
    const stateEvent = async (key: StateKey) => {
      const id = before.get(key);
      if (id === undefined) return undefined;
      await source.load([id]);
      return source.pdus.get(id);
    };
    const powerLevels = await stateEvent(stateKeyOf('m.room.power_levels', ''));
    const create = await stateEvent(stateKeyOf('m.room.create', ''));
    return redactionMayApply(pdu, target, powerLevels, create, rules)
      ? { kind: 'redactedBy', target: targetId, by: eventId }
      : undefined;
  }
  return target.sender === pdu.sender
    ? { kind: 'editedBy', target: targetId, by: eventId }
    : undefined;
}

/** The target's event when this room holds it and did not reject it. */
async function targetOf(
  id: EventId,
  source: EventSource,
  batch: BatchLookup,
): Promise<Pdu | undefined> {
  const judged = batch(id);
  if (judged !== undefined) return judged.status === 'rejected' ? undefined : judged.candidate.pdu;
  await source.load([id]);
  const stored = source.stored(id);
  if (stored === undefined || stored.roomId !== source.roomId || stored.status === 'rejected') {
    return undefined;
  }
  return stored.pdu;
}
