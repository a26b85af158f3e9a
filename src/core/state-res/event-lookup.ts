import type { Pdu } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import { MissingEventError } from './missing-event-error.js';

/** Event ID → event, as state resolution reads it. */
export type EventLookup = ReadonlyMap<string, Pdu>;

/** The event with `eventId`, or MissingEventError (M_NOT_FOUND). */
export function requireEvent(events: EventLookup, eventId: string): Pdu {
  const event = events.get(eventId);
  if (event === undefined) throw new MissingEventError(eventId);
  return event;
}

/** True when `event` fills the `(type, "")` state slot. */
export function isTypeAndEmptyKey(event: Pdu, type: string): boolean {
  return event.type === type && event.state_key === '';
}

/** The first `m.room.power_levels` event among the auth events of `event`. */
export function powerLevelsAuthEventId(event: Pdu, events: EventLookup): string | undefined {
  for (const id of event.auth_events) {
    if (isTypeAndEmptyKey(requireEvent(events, id), 'm.room.power_levels')) return id;
  }
  return undefined;
}

/**
 * The room's create event as `event` sees it: from its `auth_events`, or, where
 * the room ID implies it (v12+), from the room ID. Undefined when neither has it.
 */
export function createEventFor(
  event: Pdu,
  events: EventLookup,
  rules: RoomVersionRules,
): Pdu | undefined {
  if (event.type === 'm.room.create') return undefined;
  if (rules.createEventImpliedByRoomId) {
    // v12: the room ID is "!" + the create event's reference hash, so its ID is "$" + that hash.
    if (typeof event.room_id !== 'string' || !event.room_id.startsWith('!')) return undefined;
    return requireEvent(events, `$${event.room_id.slice(1)}`);
  }
  for (const id of event.auth_events) {
    const authEvent = requireEvent(events, id);
    if (isTypeAndEmptyKey(authEvent, 'm.room.create')) return authEvent;
  }
  return undefined;
}

/**
 * Spec "Power events": power levels, join rules, or a leave/ban of someone else.
 * The create event counts too, as in Synapse and ruma, so a (hostile) conflict
 * over it is settled in the first phase.
 */
export function isPowerEvent(event: Pdu): boolean {
  if (event.state_key === undefined) return false;
  if (event.type === 'm.room.power_levels' || event.type === 'm.room.join_rules') {
    return event.state_key === '';
  }
  if (event.type === 'm.room.create') return event.state_key === '';
  if (event.type !== 'm.room.member') return false;
  const membership = event.content.membership;
  return (membership === 'leave' || membership === 'ban') && event.sender !== event.state_key;
}
