import { describe, expect, it } from 'vitest';
import { checkAuth } from '../../../src/core/auth/check-auth.js';
import {
  checkPowerLevelsChange,
  namedPowerLevel,
  requiredPowerLevel,
  toPowerLevel,
  userPowerLevel,
  validatePowerLevelsContent,
} from '../../../src/core/auth/power-levels.js';
import type { JsonObject } from '../../../src/core/json.js';
import type { Pdu } from '../../../src/core/pdu.js';
import { roomVersionRules } from '../../../src/core/room-versions.js';
import { readConformance } from '../../helpers/conformance.js';
import { member, state } from './helpers.js';

/** gomatrixserverlib/eventauth_power_levels.json, as stored. */
interface PowerLevelFile {
  standalone_cases: Array<{
    name: string;
    room_version: string;
    auth_events: {
      create: JsonObject;
      power_levels: JsonObject;
      member: Record<string, JsonObject>;
    };
    event: JsonObject;
    expected: 'allow' | 'reject';
    why: string;
  }>;
  users_map_change_checks: {
    sender: string;
    sender_level: number;
    cases: Array<{
      name: string;
      expected: 'allow' | 'reject';
      old_users: JsonObject;
      new_users: JsonObject;
    }>;
  };
  v12_note: string;
}

const data = readConformance<PowerLevelFile>('gomatrixserverlib/eventauth_power_levels.json');
const asPdu = (event: JsonObject): Pdu => event as unknown as Pdu;
const v10 = roomVersionRules('10');
const v11 = roomVersionRules('11');
const v12 = roomVersionRules('12');

describe('eventauth_power_levels.json standalone cases (room version 1 data, run under v10)', () => {
  // None of these depends on a pre-v10 rule: all levels are integers already.
  for (const c of data.standalone_cases) {
    it(`${c.name}: ${c.expected} (${c.why})`, () => {
      const authEvents = [
        c.auth_events.create,
        c.auth_events.power_levels,
        ...Object.values(c.auth_events.member),
      ].map(asPdu);
      const result = checkAuth(asPdu(c.event), authEvents, '10');
      expect(result.allowed, JSON.stringify(result)).toBe(c.expected === 'allow');
    });
  }
});

describe('eventauth_power_levels.json users map change checks', () => {
  const { sender, sender_level: senderLevel, cases } = data.users_map_change_checks;

  for (const c of cases) {
    it(`checkPowerLevelsChange: ${c.name}`, () => {
      const result = checkPowerLevelsChange(
        { users: c.old_users },
        { users: c.new_users },
        sender,
        senderLevel,
        v10,
      );
      expect(result.allowed, JSON.stringify(result)).toBe(c.expected === 'allow');
    });

    for (const version of ['10', '11', '12']) {
      it(`checkAuth v${version}: ${c.name}`, () => {
        // The creator is someone else, so the sender's level is the one in old_users.
        const room = version === '12' ? '!createhash' : '!r:test';
        const creator = '@creator:test';
        const create = state(version === '12' ? undefined : room, 'm.room.create', '', creator, {
          room_version: version,
          ...(version === '10' ? { creator } : {}),
        });
        const authEvents = [
          create,
          state(room, 'm.room.power_levels', '', creator, { users: c.old_users }),
          member(room, sender, 'join'),
        ];
        const event = state(room, 'm.room.power_levels', '', sender, { users: c.new_users });
        const result = checkAuth(event, authEvents, version);
        expect(result.allowed, JSON.stringify(result)).toBe(c.expected === 'allow');
      });
    }
  }
});

describe('v12 creators (the data file leaves TestAllowerContextUserPowerLevel out)', () => {
  it('records why the v12 case is missing', () => {
    expect(data.v12_note).toMatch(/v12/);
  });

  const create = state(undefined, 'm.room.create', '', '@alice:a', {
    room_version: '12',
    additional_creators: ['@bob:b'],
  });
  const pl = state('!h', 'm.room.power_levels', '', '@alice:a', {
    users: { '@carol:c': 100 },
    users_default: 5,
  });

  it('gives the create sender and additional_creators infinite power', () => {
    expect(userPowerLevel('@alice:a', pl, create, v12)).toBe(Number.POSITIVE_INFINITY);
    expect(userPowerLevel('@bob:b', pl, create, v12)).toBe(Number.POSITIVE_INFINITY);
    expect(userPowerLevel('@carol:c', pl, create, v12)).toBe(100);
    expect(userPowerLevel('@dave:d', pl, create, v12)).toBe(5);
    expect(userPowerLevel('@bob:b', undefined, create, v12)).toBe(Number.POSITIVE_INFINITY);
    expect(userPowerLevel('@dave:d', undefined, create, v12)).toBe(0);
  });

  it('ignores additional_creators before v12', () => {
    const v11Create = state('!r:a', 'm.room.create', '', '@alice:a', {
      additional_creators: ['@bob:b'],
    });
    expect(userPowerLevel('@bob:b', undefined, v11Create, v11)).toBe(0);
    expect(userPowerLevel('@alice:a', undefined, v11Create, v11)).toBe(100);
  });

  it('rejects power levels that list a creator in users', () => {
    expect(validatePowerLevelsContent({ users: { '@alice:a': 100 } }, create, v12).allowed).toBe(
      false,
    );
    expect(validatePowerLevelsContent({ users: { '@bob:b': 1 } }, create, v12).allowed).toBe(false);
    expect(validatePowerLevelsContent({ users: { '@carol:c': 1 } }, create, v12).allowed).toBe(
      true,
    );
    // Before v12 the creator may be listed (and usually is).
    expect(validatePowerLevelsContent({ users: { '@alice:a': 100 } }, create, v11).allowed).toBe(
      true,
    );
  });
});

describe('userPowerLevel without a power levels event', () => {
  const create10 = state('!r:a', 'm.room.create', '', '@sender:a', { creator: '@named:a' });
  it('v10: content.creator has 100, everyone else 0', () => {
    expect(userPowerLevel('@named:a', undefined, create10, v10)).toBe(100);
    expect(userPowerLevel('@sender:a', undefined, create10, v10)).toBe(0);
  });
  it('v11: the create sender has 100, content.creator means nothing', () => {
    expect(userPowerLevel('@sender:a', undefined, create10, v11)).toBe(100);
    expect(userPowerLevel('@named:a', undefined, create10, v11)).toBe(0);
  });
  it('no create event: 0', () => {
    expect(userPowerLevel('@sender:a', undefined, undefined, v11)).toBe(0);
  });
});

describe('levels and defaults', () => {
  const empty = state('!r:a', 'm.room.power_levels', '', '@a:a', {});
  it.each([
    ['ban', 50, 50],
    ['kick', 50, 50],
    ['redact', 50, 50],
    ['invite', 0, 0],
    ['events_default', 0, 0],
    ['users_default', 0, 0],
    ['state_default', 50, 0],
  ] as const)('%s defaults to %i with a power levels event, %i without', (key, withPl, without) => {
    expect(namedPowerLevel(empty, key, v10)).toBe(withPl);
    expect(namedPowerLevel(undefined, key, v10)).toBe(without);
  });

  it('required level: events[type], else state_default / events_default', () => {
    const pl = state('!r:a', 'm.room.power_levels', '', '@a:a', {
      events: { 'm.room.name': 70, 'm.custom': 'nope' },
      state_default: 40,
      events_default: 10,
    });
    expect(requiredPowerLevel('m.room.name', true, pl, v10)).toBe(70);
    expect(requiredPowerLevel('m.room.topic', true, pl, v10)).toBe(40);
    expect(requiredPowerLevel('m.room.message', false, pl, v10)).toBe(10);
    // An invalid stored value counts as absent.
    expect(requiredPowerLevel('m.custom', false, pl, v10)).toBe(10);
    expect(requiredPowerLevel('m.room.topic', true, undefined, v10)).toBe(0);
  });

  it('levels are integers in canonical JSON range; strings never count from v10', () => {
    expect(toPowerLevel(50, v10)).toBe(50);
    expect(toPowerLevel(-9007199254740991, v10)).toBe(-9007199254740991);
    expect(toPowerLevel(9007199254740992, v10)).toBeUndefined();
    expect(toPowerLevel(1.5, v10)).toBeUndefined();
    expect(toPowerLevel('50', v10)).toBeUndefined();
    expect(toPowerLevel(null, v10)).toBeUndefined();
  });
});

describe('validatePowerLevelsContent (rules 10.1–10.3)', () => {
  it.each([
    ['string ban', { ban: '50' }],
    ['float kick', { kick: 1.5 }],
    ['string users_default', { users_default: '0' }],
    ['null invite', { invite: null }],
    ['events not an object', { events: [] }],
    ['string in events', { events: { 'm.room.name': '50' } }],
    ['string in notifications', { notifications: { room: '50' } }],
    ['users not an object', { users: 'x' }],
    ['string in users', { users: { '@a:a': '100' } }],
    ['invalid user ID in users', { users: { '@baduser': 0 } }],
    ['non-user key in users', { users: { a: 0 } }],
  ] as Array<[string, JsonObject]>)('rejects %s', (_name, content) => {
    expect(validatePowerLevelsContent(content, undefined, v10).allowed).toBe(false);
    expect(validatePowerLevelsContent(content, undefined, v12).allowed).toBe(false);
  });

  it('accepts integer levels everywhere', () => {
    const content = {
      ban: 50,
      events: { 'm.room.name': 50 },
      notifications: { room: 20 },
      users: { '@a:example.org:8448': 100 },
      users_default: -5,
    };
    expect(validatePowerLevelsContent(content, undefined, v10).allowed).toBe(true);
  });
});

describe('checkPowerLevelsChange (rules 10.6–10.10)', () => {
  const me = '@me:a';
  it.each([
    ['raise ban to own level', { ban: 50 }, { ban: 100 }, true],
    ['raise ban above own level', { ban: 50 }, { ban: 101 }, false],
    ['lower a level that is above own', { ban: 150 }, { ban: 50 }, false],
    ['remove a level above own', { kick: 150 }, {}, false],
    ['add a level at own', {}, { kick: 100 }, true],
    ['change events entry at own', { events: { x: 100 } }, { events: { x: 0 } }, true],
    ['change events entry above own', { events: { x: 101 } }, { events: { x: 0 } }, false],
    ['add events entry above own', { events: {} }, { events: { x: 101 } }, false],
    ['remove notifications entry above own', { notifications: { room: 200 } }, {}, false],
    ['add notifications entry at own', {}, { notifications: { room: 100 } }, true],
    ['unchanged entries above own are fine', { events: { x: 200 } }, { events: { x: 200 } }, true],
    ['demote other at own level', { users: { '@o:a': 100 } }, { users: { '@o:a': 1 } }, false],
    ['demote other below own level', { users: { '@o:a': 99 } }, { users: { '@o:a': 1 } }, true],
    ['demote self', { users: { [me]: 100 } }, { users: { [me]: 1 } }, true],
  ] as Array<[string, JsonObject, JsonObject, boolean]>)('%s', (_name, before, after, allowed) => {
    expect(checkPowerLevelsChange(before, after, me, 100, v10).allowed).toBe(allowed);
  });

  it('an infinite (v12 creator) sender may change anything', () => {
    const result = checkPowerLevelsChange(
      { ban: 1e15, users: { '@o:a': 1e15 } },
      { ban: 0, users: { '@o:a': 2e15 } },
      '@creator:a',
      Number.POSITIVE_INFINITY,
      v12,
    );
    expect(result.allowed).toBe(true);
  });
});
