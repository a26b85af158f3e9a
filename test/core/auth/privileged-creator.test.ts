import { describe, expect, it } from 'vitest';
import { isPrivilegedCreator, roomCreators } from '../../../src/core/auth/create-event.js';
import type { JsonObject } from '../../../src/core/json.js';
import type { Pdu } from '../../../src/core/pdu.js';
import { type RoomVersionId, roomVersionRules } from '../../../src/core/room-versions.js';

function create(content: JsonObject, sender = '@alice:a'): Pdu {
  return {
    type: 'm.room.create',
    state_key: '',
    sender,
    content,
    auth_events: [],
    prev_events: [],
    depth: 1,
    origin_server_ts: 0,
    hashes: { sha256: 'x' },
    signatures: {},
  } as unknown as Pdu;
}

// [name, room version, create content, user, privileged?]
const cases: [string, RoomVersionId, JsonObject | undefined, string, boolean][] = [
  ['the sender, v12', '12', {}, '@alice:a', true],
  ['the sender, v11 (no privileged creators)', '11', {}, '@alice:a', false],
  ['an additional creator', '12', { additional_creators: ['@bob:b'] }, '@bob:b', true],
  ['a later additional creator', '12', { additional_creators: ['@bob:b', '@c:c'] }, '@c:c', true],
  ['someone else', '12', { additional_creators: ['@bob:b'] }, '@dave:d', false],
  ['a listed string that is no user ID', '12', { additional_creators: ['bob'] }, 'bob', false],
  ['additional_creators not an array', '12', { additional_creators: '@bob:b' }, '@bob:b', false],
  ['a number in the list', '12', { additional_creators: [1] }, '1', false],
  ['no create event', '12', undefined, '@alice:a', false],
];

describe('isPrivilegedCreator', () => {
  for (const [name, version, content, user, expected] of cases) {
    it(`${name}: ${expected}, as roomCreators says`, () => {
      const rules = roomVersionRules(version);
      const event = content === undefined ? undefined : create(content);
      expect(isPrivilegedCreator(user, event, rules)).toBe(expected);
      const viaSet =
        rules.privilegedCreators && event !== undefined && roomCreators(event).has(user);
      expect(isPrivilegedCreator(user, event, rules)).toBe(viaSet);
    });
  }
});
