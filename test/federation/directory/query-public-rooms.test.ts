import { describe, expect, it } from 'vitest';
import { publicRoomEntry } from '../../../src/federation/directory/query-public-rooms.js';

/** What another server's public room list may hold, and what we keep of it. */
const base = {
  room_id: '!abc:example.org',
  num_joined_members: 3,
  world_readable: false,
  guest_can_join: false,
};

describe('publicRoomEntry', () => {
  it.each([
    ['a minimal entry, join_rule defaulted', base, { ...base, join_rule: 'public' }],
    [
      'the optional strings kept',
      { ...base, name: 'N', topic: 'T', canonical_alias: '#a:example.org', join_rule: 'knock' },
      { ...base, name: 'N', topic: 'T', canonical_alias: '#a:example.org', join_rule: 'knock' },
    ],
    [
      'a v12 room ID',
      { ...base, room_id: `!${'A'.repeat(43)}` },
      { ...base, room_id: `!${'A'.repeat(43)}`, join_rule: 'public' },
    ],
    [
      'an overlong name dropped',
      { ...base, name: 'x'.repeat(1001) },
      { ...base, join_rule: 'public' },
    ],
    ['a non-string topic dropped', { ...base, topic: 7 }, { ...base, join_rule: 'public' }],
    ['no room_id', { ...base, room_id: undefined }, undefined],
    ['a room_id that is not one', { ...base, room_id: 'abc' }, undefined],
    ['a negative member count', { ...base, num_joined_members: -1 }, undefined],
    ['a fractional member count', { ...base, num_joined_members: 1.5 }, undefined],
    ['world_readable missing', { ...base, world_readable: undefined }, undefined],
    ['not an object', 'room', undefined],
    ['an array', [base], undefined],
  ])('%s', (_what, input, expected) => {
    expect(publicRoomEntry(input)).toEqual(expected);
  });
});
