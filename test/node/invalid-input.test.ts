import { describe, expect, it } from 'vitest';
import type { TidepoolNode } from '../../src/node/node.js';
import { dumpAll, newNode, type TestNode, text } from './helpers.js';

interface World {
  node: TidepoolNode;
  roomId: string;
  /** A room where the local user has power level 0 (carol's power levels). */
  mine: string;
  serverName: string;
  userId: string;
  otherMessage: string;
}

/** A v10 room where the user is an ordinary member, so power checks bite. */
async function world(t: TestNode): Promise<World> {
  const { serverName, userId } = await t.node.identity();
  const roomId = await t.node.createRoom({ roomVersion: '11', name: 'Room' });
  const mine = await t.node.sendMessage(roomId, text('mine'));
  // An event "from someone else": a state event sent by nobody but visible as a target.
  return { node: t.node, roomId, mine, serverName, userId, otherMessage: '' };
}

type Case = [name: string, run: (w: World) => Promise<unknown>, errcode: string, words: RegExp];

const tooBig = 2 ** 53;

const cases: Case[] = [
  [
    'an empty message',
    (w) => w.node.sendMessage(w.roomId, text('')),
    'M_INVALID_PARAM',
    /cannot be empty/,
  ],
  [
    'a blank message',
    (w) => w.node.sendMessage(w.roomId, text('  \n\t')),
    'M_INVALID_PARAM',
    /cannot be empty/,
  ],
  [
    'a 33 KiB message',
    (w) => w.node.sendMessage(w.roomId, text('x'.repeat(33 * 1024))),
    'M_INVALID_PARAM',
    /too long/,
  ],
  [
    'an unknown msgtype',
    (w) => w.node.sendMessage(w.roomId, { msgtype: 'm.image' as never, body: 'x' }),
    'M_INVALID_PARAM',
    /message type/,
  ],
  ['no messages', (w) => w.node.sendMessages(w.roomId, []), 'M_INVALID_PARAM', /No messages/],
  [
    'one bad message in a batch',
    (w) => w.node.sendMessages(w.roomId, [text('ok'), text('')]),
    'M_INVALID_PARAM',
    /cannot be empty/,
  ],
  [
    'a bad user ID to invite',
    (w) => w.node.invite(w.roomId, 'bob'),
    'M_INVALID_PARAM',
    /not a user ID/,
  ],
  ['a bad user ID to ban', (w) => w.node.ban(w.roomId, '@:x'), 'M_INVALID_PARAM', /not a user ID/],
  [
    'kicking someone not in the room',
    (w) => w.node.kick(w.roomId, '@bob:example.org'),
    'M_INVALID_PARAM',
    /not in the room/,
  ],
  [
    'unbanning someone not banned',
    (w) => w.node.unban(w.roomId, '@bob:example.org'),
    'M_INVALID_PARAM',
    /not banned/,
  ],
  ['kicking yourself', (w) => w.node.kick(w.roomId, w.userId), 'M_INVALID_PARAM', /yourself/],
  [
    'an alias that is not one',
    (w) => w.node.setCanonicalAlias(w.roomId, 'room'),
    'M_INVALID_PARAM',
    /not a room alias/,
  ],
  [
    'an alias on another server',
    (w) => w.node.setCanonicalAlias(w.roomId, '#room:example.org'),
    'M_INVALID_PARAM',
    /server name/,
  ],
  [
    'a room with a foreign alias',
    (w) => w.node.createRoom({ alias: '#x:example.org' }),
    'M_INVALID_PARAM',
    /server name/,
  ],
  [
    'a room of version 9',
    (w) => w.node.createRoom({ roomVersion: '9' as never }),
    'M_INVALID_PARAM',
    /not supported/,
  ],
  [
    'an unknown preset',
    (w) => w.node.createRoom({ preset: 'open' as never }),
    'M_INVALID_PARAM',
    /preset/,
  ],
  [
    'a fractional power level',
    (w) => w.node.setPowerLevel(w.roomId, '@bob:example.org', 1.5),
    'M_INVALID_PARAM',
    /whole number/,
  ],
  [
    'a power level of 2^53',
    (w) => w.node.setPowerLevel(w.roomId, '@bob:example.org', tooBig),
    'M_INVALID_PARAM',
    /whole number/,
  ],
  [
    'a power level that is text',
    (w) => w.node.setPowerLevel(w.roomId, '@bob:example.org', '50' as never),
    'M_INVALID_PARAM',
    /whole number/,
  ],
  [
    'a name of 256 characters',
    (w) => w.node.setName(w.roomId, 'n'.repeat(256)),
    'M_INVALID_PARAM',
    /255 characters/,
  ],
  [
    'an unknown join rule',
    (w) => w.node.setJoinRule(w.roomId, 'open' as never),
    'M_INVALID_PARAM',
    /join rule/,
  ],
  [
    'an unknown history visibility',
    (w) => w.node.setHistoryVisibility(w.roomId, 'all' as never),
    'M_INVALID_PARAM',
    /history visibility/,
  ],
  [
    'state content that is not an object',
    (w) => w.node.setState(w.roomId, 'x.y', '', [] as never),
    'M_INVALID_PARAM',
    /JSON object/,
  ],
  [
    'a second create event',
    (w) => w.node.setState(w.roomId, 'm.room.create', '', {}),
    'M_INVALID_PARAM',
    /created only once/,
  ],
  [
    'state too large for a PDU',
    (w) => w.node.setState(w.roomId, 'x.big', '', { v: 'x'.repeat(70_000) }),
    'M_TOO_LARGE',
    /65536|bytes/,
  ],
  [
    'editing an unknown event',
    (w) => w.node.editMessage(w.roomId, `$${'a'.repeat(43)}`, text('x')),
    'M_NOT_FOUND',
    /no message/,
  ],
  [
    'editing a state event',
    async (w) => {
      const nameEvent = (await w.node.roomState(w.roomId)).state.find(
        (e) => e.type === 'm.room.name',
      )!;
      return w.node.editMessage(w.roomId, nameEvent.eventId, text('x'));
    },
    'M_INVALID_PARAM',
    /Only messages/,
  ],
  [
    'an empty edit',
    (w) => w.node.editMessage(w.roomId, w.mine, text('')),
    'M_INVALID_PARAM',
    /cannot be empty/,
  ],
  [
    'redacting an unknown event',
    (w) => w.node.redact(w.roomId, '$nope'),
    'M_NOT_FOUND',
    /no event/,
  ],
  [
    'a message to an unknown room',
    (w) => w.node.sendMessage('!nope:example.org', text('x')),
    'M_NOT_FOUND',
    /You are not in a room with ID !nope:example.org/,
  ],
  [
    'the timeline of an unknown room',
    (w) => w.node.timeline('!nope:example.org', { limit: 5 }),
    'M_NOT_FOUND',
    /not in a room/,
  ],
  [
    'the state of an unknown room',
    (w) => w.node.roomState('!nope:example.org'),
    'M_NOT_FOUND',
    /not in a room/,
  ],
  [
    'the members of an unknown room',
    (w) => w.node.members('!nope:example.org'),
    'M_NOT_FOUND',
    /not in a room/,
  ],
  [
    'a timeline page of 0',
    (w) => w.node.timeline(w.roomId, { limit: 0 }),
    'M_INVALID_PARAM',
    /1 to 1000/,
  ],
  [
    'a timeline token that is not one',
    (w) => w.node.timeline(w.roomId, { from: 'abc', limit: 5 }),
    'M_INVALID_PARAM',
    /timeline position/,
  ],
];

describe('invalid input changes nothing and throws a typed error in words', () => {
  it.each(cases)('%s', async (_, run, errcode, words) => {
    const t = await newNode('alice', 11);
    const w = await world(t);
    const before = await dumpAll(t.factory, t.name);
    const failure = await run(w).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ errcode });
    expect((failure as Error).message).toMatch(words);
    expect(typeof (failure as Error).name).toBe('string');
    expect(await dumpAll(t.factory, t.name)).toEqual(before);
    t.node.close();
  });
});

describe('what the auth rules refuse is M_FORBIDDEN, in words, and changes nothing', () => {
  /** A node whose user has demoted themselves to power level 10 in their own room. */
  async function demoted() {
    const t = await newNode('alice', 12);
    const { userId } = await t.node.identity();
    const roomId = await t.node.createRoom({ roomVersion: '10', preset: 'public_chat' });
    // Level 10, and power levels themselves sendable at 10, so rule 10 is what refuses.
    const levels = (await t.node.roomState(roomId)).powerLevels;
    await t.node.setState(roomId, 'm.room.power_levels', '', {
      ...levels,
      users: { ...(levels.users as object), [userId]: 10 },
      events: { ...(levels.events as object), 'm.room.power_levels': 10 },
    });
    return { t, roomId, userId };
  }

  it.each<
    [string, (node: TidepoolNode, roomId: string, userId: string) => Promise<unknown>, RegExp]
  >([
    [
      'raising your own level above it',
      (n, r, u) => n.setPowerLevel(r, u, 20),
      /power levels: cannot give/,
    ],
    [
      'giving someone a level above yours',
      (n, r) => n.setPowerLevel(r, '@bob:example.org', 50),
      /above your own/,
    ],
    [
      'renaming the room with level 10',
      (n, r) => n.setName(r, 'new'),
      /your power level is too low to send m.room.name/,
    ],
    ['banning with level 10', (n, r) => n.ban(r, '@bob:example.org'), /you may not ban/],
    [
      'inviting with level 10 in a public_chat room',
      (n, r) => n.invite(r, '@bob:example.org'),
      /too low to invite/,
    ],
  ])('%s', async (_, run, words) => {
    const { t, roomId, userId } = await demoted();
    const before = await dumpAll(t.factory, t.name);
    await expect(run(t.node, roomId, userId)).rejects.toMatchObject({
      errcode: 'M_FORBIDDEN',
      message: expect.stringMatching(words),
    });
    expect(await dumpAll(t.factory, t.name)).toEqual(before);
    t.node.close();
  });

  it('sending after leaving is refused', async () => {
    const t = await newNode('alice', 13);
    const roomId = await t.node.createRoom({});
    await t.node.leave(roomId, 'bye');
    await expect(t.node.sendMessage(roomId, text('hello?'))).rejects.toMatchObject({
      errcode: 'M_FORBIDDEN',
      message: 'Not allowed: you are not a member of this room',
    });
    expect((await t.node.rooms())[0]!.membership).toBe('leave');
  });

  it("editing or redacting someone else's message is refused", async () => {
    const t = await newNode('alice', 14);
    const roomId = await t.node.createRoom({ roomVersion: '10' });
    // Store a message from another user the way federation will: a record in the room.
    const theirs = await t.node.sendMessage(roomId, text('theirs'));
    await t.store.write(['events'], async (txn) => {
      const record = (await txn.events.get(theirs as never))!;
      await txn.events.put({ ...record, pdu: { ...record.pdu, sender: '@bob:example.org' } });
    });
    await expect(t.node.editMessage(roomId, theirs, text('mine now'))).rejects.toMatchObject({
      errcode: 'M_FORBIDDEN',
      message: 'You can only edit your own messages',
    });
    // Our level is 100 in v10, above the redact level: redacting theirs is allowed.
    await expect(t.node.redact(roomId, theirs)).resolves.toMatch(/^\$/);
    const { userId } = await t.node.identity();
    await t.node.setPowerLevel(roomId, userId, 10);
    const another = await t.node.sendMessage(roomId, text('another'));
    await t.store.write(['events'], async (txn) => {
      const record = (await txn.events.get(another as never))!;
      await txn.events.put({ ...record, pdu: { ...record.pdu, sender: '@bob:example.org' } });
    });
    await expect(t.node.redact(roomId, another)).rejects.toMatchObject({
      errcode: 'M_FORBIDDEN',
      message: expect.stringMatching(/remove other people's events/),
    });
  });

  it('an alias in use by another room is refused and that room is not created', async () => {
    const t = await newNode('alice', 15);
    const { serverName } = await t.node.identity();
    await t.node.createRoom({ alias: `#taken:${serverName}` });
    await expect(t.node.createRoom({ alias: `#taken:${serverName}` })).rejects.toMatchObject({
      errcode: 'M_INVALID_PARAM',
      message: `The alias #taken:${serverName} is already in use`,
    });
    expect(await t.node.rooms()).toHaveLength(1);
  });
});
