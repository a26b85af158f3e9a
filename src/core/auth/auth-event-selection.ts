import { isJsonObject, type JsonObject } from '../json.js';
import type { RoomVersionRules } from '../room-versions.js';

/**
 * Server-server spec "Auth events selection": the `(type, state_key)` pairs of
 * the current state an event's `auth_events` should cite, and that the
 * authorization rules look up. Pairs are unique (a user joining names their
 * own member event once) and in a stable order.
 */
export function authEventTypes(
  eventType: string,
  stateKey: string,
  sender: string,
  content: JsonObject,
  rules: RoomVersionRules,
): Array<[type: string, stateKey: string]> {
  if (eventType === 'm.room.create') return [];
  const pairs: Array<[type: string, stateKey: string]> = [];
  const seen = new Set<string>();
  const add = (type: string, key: string): void => {
    const id = `${type}\u0000${key}`;
    if (seen.has(id)) return;
    seen.add(id);
    pairs.push([type, key]);
  };
  // v12: the room ID names the create event, so auth_events must not.
  if (!rules.createEventImpliedByRoomId) add('m.room.create', '');
  add('m.room.power_levels', '');
  add('m.room.member', sender);
  if (eventType === 'm.room.member') {
    add('m.room.member', stateKey);
    const membership = isJsonObject(content) ? content.membership : undefined;
    if (membership === 'join' || membership === 'invite' || membership === 'knock') {
      add('m.room.join_rules', '');
    }
    if (membership === 'invite') {
      const invite = content.third_party_invite;
      const signed = isJsonObject(invite) ? invite.signed : undefined;
      const token = isJsonObject(signed) ? signed.token : undefined;
      if (typeof token === 'string') add('m.room.third_party_invite', token);
    }
    // Restricted joins exist in every implemented version (v8+).
    const authoriser = content.join_authorised_via_users_server;
    if (membership === 'join' && typeof authoriser === 'string') {
      add('m.room.member', authoriser);
    }
  }
  return pairs;
}
