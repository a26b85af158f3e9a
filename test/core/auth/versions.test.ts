import { describe, expect, it } from 'vitest';
import { authEventTypes } from '../../../src/core/auth/auth-event-selection.js';
import { checkAuth } from '../../../src/core/auth/check-auth.js';
import type { JsonObject } from '../../../src/core/json.js';
import type { Pdu } from '../../../src/core/pdu.js';
import { roomVersionRules } from '../../../src/core/room-versions.js';
import { member, pdu, state } from './helpers.js';

const allowed = (event: Pdu, auth: Pdu[], version: string): boolean => {
  const result = checkAuth(event, auth, version);
  return result.allowed;
};

describe('m.room.create (rule 1) by version', () => {
  const create = (version: string, fields: Partial<Pdu>, content: JsonObject = {}): Pdu =>
    pdu({
      type: 'm.room.create',
      state_key: '',
      sender: '@alice:a',
      content: { room_version: version, ...content },
      ...fields,
    });

  it.each([
    ['10', { room_id: '!r:a' }, { creator: '@alice:a' }, true, 'v10 with creator'],
    ['10', { room_id: '!r:a' }, {}, false, 'v10 needs content.creator'],
    ['11', { room_id: '!r:a' }, {}, true, 'v11 needs no creator'],
    ['11', { room_id: '!r:b' }, {}, false, 'v11 room_id domain must be the sender domain'],
    ['11', { room_id: '!r:a', prev_events: ['$x'] }, {}, false, 'prev_events'],
    ['11', { room_id: '!r:a' }, { room_version: '99' }, false, 'unknown room_version'],
    ['11', { room_id: '!r:a' }, { room_version: 11 }, false, 'room_version not a string'],
    ['12', {}, {}, true, 'v12 without room_id'],
    ['12', { room_id: '!r:a' }, {}, false, 'v12 must not have a room_id'],
    ['12', {}, { additional_creators: ['@bob:b', '@c:c:8448'] }, true, 'valid additional_creators'],
    ['12', {}, { additional_creators: [] }, true, 'empty additional_creators'],
    ['12', {}, { additional_creators: ['bob'] }, false, 'additional_creators not user IDs'],
    ['12', {}, { additional_creators: '@bob:b' }, false, 'additional_creators not an array'],
    ['12', {}, { additional_creators: [1] }, false, 'additional_creators with a number'],
    [
      '11',
      { room_id: '!r:a' },
      { additional_creators: 'x' },
      true,
      'v11 ignores additional_creators',
    ],
    ['12', { state_key: 'x' }, {}, false, 'non-empty state_key'],
  ] as Array<[string, Partial<Pdu>, JsonObject, boolean, string]>)(
    'v%s: %j %j → %s (%s)',
    (version, fields, content, expected) => {
      expect(allowed(create(version, fields, content), [], version)).toBe(expected);
    },
  );
});

describe('first join (rule 5.3.1)', () => {
  const room = '!r:a';
  // In v10 the creator is content.creator; from v11 it is the create sender.
  const create = state(room, 'm.room.create', '', '@alice:a', { creator: '@bob:a' });
  const join = (user: string, fields: Partial<Pdu> = {}): Pdu =>
    pdu({
      ...member(room, user, 'join'),
      prev_events: ['$create'],
      auth_events: ['$create'],
      ...fields,
    });

  it.each([
    ['10', '@bob:a', {}, true],
    ['10', '@alice:a', {}, false],
    ['11', '@alice:a', {}, true],
    ['11', '@bob:a', {}, false],
    // The sole prev event must be the sole auth event (the create event).
    ['11', '@alice:a', { auth_events: ['$create', '$other'] }, false],
    ['11', '@alice:a', { prev_events: ['$other'] }, false],
    ['11', '@alice:a', { prev_events: ['$create', '$other'] }, false],
    ['11', '@alice:a', { prev_events: [] }, false],
  ] as Array<[string, string, Partial<Pdu>, boolean]>)('v%s: %s %j → %s', (v, user, f, ok) => {
    expect(allowed(join(user, f), [create], v)).toBe(ok);
  });

  it('uses the create event ID when the create event carries one', () => {
    const withId = { ...create, event_id: '$create' };
    expect(allowed(join('@alice:a', { auth_events: [] }), [withId], '11')).toBe(true);
    expect(allowed(join('@alice:a', { prev_events: ['$nope'] }), [withId], '11')).toBe(false);
  });

  it('v12: the create event ID is the room ID with $ for !', () => {
    const create12 = state(undefined, 'm.room.create', '', '@alice:a', { room_version: '12' });
    const event = pdu({ ...member('!hash', '@alice:a', 'join'), prev_events: ['$hash'] });
    expect(allowed(event, [create12], '12')).toBe(true);
    expect(allowed({ ...event, prev_events: ['$other'] }, [create12], '12')).toBe(false);
    expect(allowed({ ...event, sender: '@bob:a', state_key: '@bob:a' }, [create12], '12')).toBe(
      false,
    );
  });
});

describe('v12 room creators', () => {
  const room = '!hash';
  const create = state(undefined, 'm.room.create', '', '@alice:a', {
    room_version: '12',
    additional_creators: ['@bob:b'],
  });
  const pl = state(room, 'm.room.power_levels', '', '@alice:a', {
    users: { '@mod:a': 100 },
    state_default: 100,
    ban: 100,
    kick: 100,
  });
  const joined = ['@alice:a', '@bob:b', '@mod:a', '@user:a'].map((u) => member(room, u, 'join'));
  const auth = [create, pl, ...joined];

  it('an additional creator may do what needs any level', () => {
    const topic = state(room, 'm.room.topic', '', '@bob:b', { topic: 'x' });
    expect(allowed(topic, auth, '12')).toBe(true);
    const newPl = state(room, 'm.room.power_levels', '', '@bob:b', { users: { '@mod:a': 0 } });
    expect(allowed(newPl, auth, '12')).toBe(true);
  });

  it('a level-100 user cannot kick or ban a creator; a creator can kick them', () => {
    expect(allowed(member(room, '@alice:a', 'leave', '@mod:a'), auth, '12')).toBe(false);
    expect(allowed(member(room, '@bob:b', 'ban', '@mod:a'), auth, '12')).toBe(false);
    expect(allowed(member(room, '@mod:a', 'ban', '@bob:b'), auth, '12')).toBe(true);
    // Creators are equal: neither can remove the other.
    expect(allowed(member(room, '@alice:a', 'ban', '@bob:b'), auth, '12')).toBe(false);
  });

  it('power levels may not list a creator, nor give anyone a level a non-creator lacks', () => {
    const listsCreator = state(room, 'm.room.power_levels', '', '@alice:a', {
      users: { '@bob:b': 100 },
    });
    expect(allowed(listsCreator, auth, '12')).toBe(false);
    const modRaises = state(room, 'm.room.power_levels', '', '@mod:a', {
      users: { '@mod:a': 100, '@user:a': 101 },
      state_default: 100,
      ban: 100,
      kick: 100,
    });
    expect(allowed(modRaises, auth, '12')).toBe(false);
  });

  it('the create event is implied: it is not among the selected auth events', () => {
    const types = authEventTypes('m.room.message', '', '@bob:b', {}, roomVersionRules('12'));
    expect(types).not.toContainEqual(['m.room.create', '']);
    const v11types = authEventTypes('m.room.message', '', '@bob:b', {}, roomVersionRules('11'));
    expect(v11types).toContainEqual(['m.room.create', '']);
  });

  it('still needs the create event passed in, from the same room', () => {
    const message = pdu({ type: 'm.room.message', sender: '@bob:b', room_id: room });
    expect(allowed(message, [pl, ...joined], '12')).toBe(false);
    expect(allowed(message, auth, '12')).toBe(true);
    const withId = { ...create, event_id: '$hash' };
    expect(allowed(message, [withId, pl, ...joined], '12')).toBe(true);
    const otherRoom = { ...create, event_id: '$other' };
    expect(allowed(message, [otherRoom, pl, ...joined], '12')).toBe(false);
    const createWithRoomId = { ...create, room_id: room };
    expect(allowed(message, [createWithRoomId, pl, ...joined], '12')).toBe(false);
  });

  it('without power levels, creators have infinite power and others 0', () => {
    const topicByCreator = state(room, 'm.room.topic', '', '@bob:b', {});
    const kickByUser = member(room, '@mod:a', 'leave', '@user:a');
    const noPl = [create, ...joined];
    expect(allowed(topicByCreator, noPl, '12')).toBe(true);
    expect(allowed(kickByUser, noPl, '12')).toBe(false);
  });
});

describe('membership rules (v11)', () => {
  const room = '!r:a';
  const create = state(room, 'm.room.create', '', '@alice:a', {});
  const base = (joinRule: string, extra: Pdu[] = [], levels: JsonObject = {}): Pdu[] => [
    create,
    state(room, 'm.room.join_rules', '', '@alice:a', { join_rule: joinRule }),
    state(room, 'm.room.power_levels', '', '@alice:a', {
      users: { '@alice:a': 100, '@mod:a': 50 },
      ...levels,
    }),
    member(room, '@alice:a', 'join'),
    member(room, '@mod:a', 'join'),
    ...extra,
  ];

  it.each([
    ['public', '@x:b', true],
    ['invite', '@x:b', false],
    ['knock', '@x:b', false],
    ['private', '@x:b', false],
    ['restricted', '@x:b', false],
  ])('join under %s by a stranger %s → %s', (rule, user, expected) => {
    expect(allowed(member(room, user, 'join'), base(rule), '11')).toBe(expected);
  });

  it('restricted joins need a joined authoriser with the invite level', () => {
    const join = (via: string) =>
      member(room, '@x:b', 'join', '@x:b', { join_authorised_via_users_server: via });
    for (const rule of ['restricted', 'knock_restricted']) {
      expect(allowed(join('@mod:a'), base(rule), '11')).toBe(true);
      expect(allowed(join('@mod:a'), base(rule, [], { invite: 60 }), '11')).toBe(false);
      expect(allowed(join('@gone:a'), base(rule, [], { users_default: 100 }), '11')).toBe(false);
      const left = [member(room, '@gone:a', 'leave')];
      expect(allowed(join('@gone:a'), base(rule, left), '11')).toBe(false);
    }
  });

  it('banned users cannot join even a public room, nor leave their ban', () => {
    const banned = [member(room, '@x:b', 'ban', '@alice:a')];
    expect(allowed(member(room, '@x:b', 'join'), base('public', banned), '11')).toBe(false);
    expect(allowed(member(room, '@x:b', 'leave'), base('public', banned), '11')).toBe(false);
  });

  it('unbanning needs the ban level and a higher level than the target', () => {
    const banned = [member(room, '@x:b', 'ban', '@alice:a')];
    expect(allowed(member(room, '@x:b', 'leave', '@alice:a'), base('public', banned), '11')).toBe(
      true,
    );
    expect(allowed(member(room, '@x:b', 'leave', '@mod:a'), base('public', banned), '11')).toBe(
      true,
    );
    const strict = base('public', banned, { ban: 60 });
    expect(allowed(member(room, '@x:b', 'leave', '@mod:a'), strict, '11')).toBe(false);
  });

  it('kicks need the kick level and a higher level than the target', () => {
    expect(allowed(member(room, '@mod:a', 'leave', '@alice:a'), base('public'), '11')).toBe(true);
    expect(allowed(member(room, '@alice:a', 'leave', '@mod:a'), base('public'), '11')).toBe(false);
  });

  it('invites need a joined sender with the invite level, and a target not joined or banned', () => {
    expect(allowed(member(room, '@x:b', 'invite', '@mod:a'), base('invite'), '11')).toBe(true);
    const high = base('invite', [], { invite: 60 });
    expect(allowed(member(room, '@x:b', 'invite', '@mod:a'), high, '11')).toBe(false);
    expect(allowed(member(room, '@x:b', 'invite', '@out:a'), base('invite'), '11')).toBe(false);
    expect(allowed(member(room, '@mod:a', 'invite', '@alice:a'), base('invite'), '11')).toBe(false);
  });

  it('knocks only under knock rules and not while invited', () => {
    expect(allowed(member(room, '@x:b', 'knock'), base('knock'), '11')).toBe(true);
    expect(allowed(member(room, '@x:b', 'knock'), base('knock_restricted'), '11')).toBe(true);
    expect(allowed(member(room, '@x:b', 'knock'), base('public'), '11')).toBe(false);
    const invited = [member(room, '@x:b', 'invite', '@alice:a')];
    expect(allowed(member(room, '@x:b', 'knock'), base('knock', invited), '11')).toBe(false);
    expect(allowed(member(room, '@x:b', 'knock', '@alice:a'), base('knock'), '11')).toBe(false);
  });

  it('rejects unknown memberships and member events without membership', () => {
    expect(allowed(member(room, '@alice:a', 'dance'), base('public'), '11')).toBe(false);
    const noMembership = state(room, 'm.room.member', '@alice:a', '@alice:a', {});
    expect(allowed(noMembership, base('public'), '11')).toBe(false);
  });

  it('m.room.third_party_invite needs the invite level', () => {
    const tpi = state(room, 'm.room.third_party_invite', 'tok', '@mod:a', {});
    expect(allowed(tpi, base('invite'), '11')).toBe(true);
    expect(allowed(tpi, base('invite', [], { invite: 60 }), '11')).toBe(false);
  });

  it('redaction needs redacts in content from v11', () => {
    const top = pdu({ type: 'm.room.redaction', sender: '@mod:a', room_id: room, redacts: '$x' });
    const inContent = { ...top, content: { redacts: '$x' } };
    expect(allowed(top, base('public'), '11')).toBe(false);
    expect(allowed(inContent, base('public'), '11')).toBe(true);
    expect(allowed(top, base('public'), '10')).toBe(true);
  });
});

describe('auth events selection', () => {
  const v11 = roomVersionRules('11');
  it('names the target, join rules, third-party invite and authoriser where relevant', () => {
    expect(
      authEventTypes(
        'm.room.member',
        '@b:b',
        '@a:a',
        { membership: 'invite', third_party_invite: { signed: { token: 'tok' } } },
        v11,
      ),
    ).toEqual([
      ['m.room.create', ''],
      ['m.room.power_levels', ''],
      ['m.room.member', '@a:a'],
      ['m.room.member', '@b:b'],
      ['m.room.join_rules', ''],
      ['m.room.third_party_invite', 'tok'],
    ]);
    expect(
      authEventTypes(
        'm.room.member',
        '@a:a',
        '@a:a',
        { membership: 'join', join_authorised_via_users_server: '@m:m' },
        v11,
      ),
    ).toEqual([
      ['m.room.create', ''],
      ['m.room.power_levels', ''],
      ['m.room.member', '@a:a'],
      ['m.room.join_rules', ''],
      ['m.room.member', '@m:m'],
    ]);
    expect(authEventTypes('m.room.member', '@b:b', '@a:a', { membership: 'ban' }, v11)).toEqual([
      ['m.room.create', ''],
      ['m.room.power_levels', ''],
      ['m.room.member', '@a:a'],
      ['m.room.member', '@b:b'],
    ]);
    expect(authEventTypes('m.room.create', '', '@a:a', {}, v11)).toEqual([]);
  });
});

describe('hostile input never throws', () => {
  const room = '!r:a';
  const create = state(room, 'm.room.create', '', '@alice:a', {});
  const auth = [
    create,
    member(room, '@alice:a', 'join'),
    state(room, 'm.room.power_levels', '', '@alice:a', { users: { '@alice:a': 100 } }),
  ];
  const cases: Array<[string, unknown]> = [
    ['content null', { ...member(room, '@alice:a', 'join'), content: null }],
    ['sender number', { ...member(room, '@alice:a', 'join'), sender: 5 }],
    ['sender without domain', { ...member(room, '@alice:a', 'join'), sender: '@alice' }],
    ['state_key number', { ...member(room, '@alice:a', 'join'), state_key: 3 }],
    ['prev_events object', { ...member(room, '@bob:a', 'join'), prev_events: { a: 1 } }],
    ['membership object', member(room, '@alice:a', { x: 1 } as unknown as string)],
    [
      'third_party_invite garbage',
      member(room, '@b:b', 'invite', '@alice:a', { third_party_invite: 'x' }),
    ],
    [
      'signed with float',
      member(room, '@b:b', 'invite', '@alice:a', {
        third_party_invite: { signed: { mxid: '@b:b', token: 't', x: 1.5 } },
      }),
    ],
    ['power levels users array', state(room, 'm.room.power_levels', '', '@alice:a', { users: [] })],
    ['power levels float', state(room, 'm.room.power_levels', '', '@alice:a', { ban: 0.5 })],
    ['create with content array', { ...create, content: [] }],
    ['no type', { sender: '@alice:a', content: {} }],
  ];
  it.each(cases)('%s', (_name, event) => {
    const result = checkAuth(event as Pdu, auth, '11');
    expect(result.allowed).toBe(false);
  });

  it('hostile auth events are ignored or rejected, not thrown on', () => {
    const message = pdu({ type: 'm.room.message', sender: '@alice:a', room_id: room });
    const weird = [...auth, { type: 5, state_key: '' } as unknown as Pdu];
    expect(checkAuth(message, weird, '11').allowed).toBe(true);
    const dup = [...auth, state(room, 'm.room.power_levels', '', '@alice:a', {})];
    expect(checkAuth(message, dup, '11').allowed).toBe(false);
    const badPl = [
      create,
      member(room, '@alice:a', 'join'),
      { ...auth[2], content: null } as unknown as Pdu,
    ];
    expect(checkAuth(message, badPl, '11').allowed).toBe(true);
  });

  it('an unsupported room version throws UnsupportedRoomVersionError', () => {
    expect(() => checkAuth(create, [], '9')).toThrow(
      expect.objectContaining({ name: 'UnsupportedRoomVersionError' }),
    );
  });
});

describe('m.federate', () => {
  it('v12 compares with the create sender domain', () => {
    const create = state(undefined, 'm.room.create', '', '@alice:a', { 'm.federate': false });
    const auth = [create, member('!h', '@alice:a', 'join'), member('!h', '@bob:b', 'join')];
    const msg = (sender: string) => pdu({ type: 'm.room.message', sender, room_id: '!h' });
    expect(allowed(msg('@alice:a'), auth, '12')).toBe(true);
    expect(allowed(msg('@bob:b'), auth, '12')).toBe(false);
  });
});
