import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/core/json.js';
import type { TimelineItem } from '../../src/node/api.js';
import {
  describeStateEvent,
  isHiddenItem,
  previewText,
  shortUserId,
} from '../../src/ui/describe-event.js';

const key = 'abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst';
const alice = `@alice:${key}.localhost`;
const bob = '@bob:example.org';

function item(type: string, content: JsonObject, extra: Partial<TimelineItem> = {}): TimelineItem {
  return {
    eventId: '$e',
    type,
    sender: alice,
    senderName: 'Alice',
    originServerTs: 0,
    content,
    status: 'accepted',
    streamOrder: 1,
    ...extra,
  };
}

describe('shortUserId', () => {
  it.each([
    [alice, '@alice:abcdefgh….localhost'],
    [bob, bob],
    ['@x:short.example', '@x:short.example'],
  ])('%s → %s', (input, expected) => expect(shortUserId(input)).toBe(expected));
});

describe('describeStateEvent', () => {
  const state = (type: string, content: JsonObject, stateKey = '') =>
    item(type, content, { stateKey });
  it.each<[TimelineItem, JsonObject | undefined, string]>([
    [state('m.room.create', { room_version: '12' }), undefined, 'Alice created the room'],
    [state('m.room.name', { name: 'Lab' }), undefined, 'Alice changed the room name to Lab'],
    [state('m.room.name', {}), undefined, 'Alice removed the room name'],
    [state('m.room.topic', { topic: 'Forks' }), undefined, 'Alice changed the topic to Forks'],
    [
      state('m.room.join_rules', { join_rule: 'public' }),
      undefined,
      'Alice changed who can join: anyone can join',
    ],
    [
      state('m.room.history_visibility', { history_visibility: 'shared' }),
      undefined,
      'Alice set history visibility to shared',
    ],
    [
      state('m.room.member', { membership: 'join', displayname: 'Alice' }, alice),
      undefined,
      'Alice joined the room',
    ],
    [
      state('m.room.member', { membership: 'invite' }, bob),
      undefined,
      'Alice invited @bob:example.org',
    ],
    [
      state('m.room.member', { membership: 'ban', reason: 'spam' }, bob),
      { membership: 'join' },
      'Alice banned @bob:example.org: spam',
    ],
    [
      state('m.room.member', { membership: 'leave' }, bob),
      { membership: 'ban' },
      'Alice unbanned @bob:example.org',
    ],
    [
      state('m.room.member', { membership: 'leave' }, bob),
      { membership: 'join' },
      'Alice removed @bob:example.org',
    ],
    [
      state('m.room.member', { membership: 'leave' }, alice),
      { membership: 'join' },
      `${shortUserId(alice)} left the room`,
    ],
    [
      state('m.room.member', { membership: 'join', displayname: 'Ally' }, alice),
      { membership: 'join', displayname: 'Alice' },
      'Alice changed their display name to Ally',
    ],
    [
      state('org.example.custom', {}),
      undefined,
      'Alice changed the room state (org.example.custom)',
    ],
  ])('%#: %s', (event, previous, expected) => {
    expect(describeStateEvent(event, previous)).toBe(expected);
  });
});

describe('previewText and hidden items', () => {
  it.each<[TimelineItem, string]>([
    [item('m.room.message', { msgtype: 'm.text', body: 'hi' }), 'Alice: hi'],
    [item('m.room.message', { msgtype: 'm.emote', body: 'waves' }), '* Alice waves'],
    [
      item('m.room.message', { msgtype: 'm.text', body: '<b>not html</b>' }),
      'Alice: <b>not html</b>',
    ],
    [item('m.room.message', {}, { redactedBy: '$r' }), 'Message deleted'],
    [item('m.room.topic', { topic: 'T' }, { stateKey: '' }), 'Alice changed the topic to T'],
    [item('m.sticker', {}), 'Alice sent an event (m.sticker)'],
  ])('%#: %s', (event, expected) => expect(previewText(event)).toBe(expected));

  it.each<[TimelineItem, boolean]>([
    [item('m.room.message', { body: 'x' }), false],
    [
      item('m.room.message', {
        body: '* x',
        'm.relates_to': { rel_type: 'm.replace', event_id: '$a' },
      }),
      true,
    ],
    [item('m.room.message', { body: 'x', 'm.relates_to': { rel_type: 'm.thread' } }), false],
    [item('m.room.redaction', {}), true],
  ])('%#: hidden %s', (event, hidden) => expect(isHiddenItem(event)).toBe(hidden));
});
