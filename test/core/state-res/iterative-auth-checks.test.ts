import { describe, expect, it } from 'vitest';
import { type Pdu, stateKeyOf } from '../../../src/core/pdu.js';
import { roomVersionRules } from '../../../src/core/room-versions.js';
import {
  type AuthCheck,
  authEventsFor,
  iterativeAuthChecks,
} from '../../../src/core/state-res/iterative-auth-checks.js';
import { graphEvents, sorted } from './helpers.js';

// create <- pl1 <- pl2; topics cite pl1. `!c` is the room ID the v12 create implies.
const events = graphEvents(
  { $c: [], pl1: ['$c'], pl2: ['$c', 'pl1'], t1: ['$c', 'pl1'], t2: ['$c', 'pl1'], msg: ['$c'] },
  (id): Partial<Pdu> => {
    if (id === '$c') return { type: 'm.room.create', state_key: '', room_id: undefined };
    if (id.startsWith('pl')) return { type: 'm.room.power_levels', state_key: '', room_id: '!c' };
    if (id === 'msg') return { type: 'm.room.message', state_key: undefined, room_id: '!c' };
    return { type: 'm.room.topic', state_key: '', room_id: '!c' };
  },
);
const pl = stateKeyOf('m.room.power_levels', '');
const topic = stateKeyOf('m.room.topic', '');

describe('authEventsFor', () => {
  it('v10: own auth events, with the state’s power levels in place of the cited one', () => {
    const byKey = authEventsFor(
      requireTopic(),
      new Map([[pl, 'pl2']]),
      events,
      roomVersionRules('10'),
    );
    expect(sorted([...byKey.values()].map((e) => e.state_key + e.type))).toEqual(
      sorted(['m.room.create', 'm.room.power_levels']),
    );
    expect(byKey.get(pl)).toBe(events.get('pl2'));
  });

  it('v12: the create event implied by the room ID is added', () => {
    const t = { ...requireTopic(), auth_events: ['pl1'] };
    const byKey = authEventsFor(t, new Map(), events, roomVersionRules('12'));
    expect(byKey.get(stateKeyOf('m.room.create', ''))).toBe(events.get('$c'));
  });
});

function requireTopic(): Pdu {
  return events.get('t1') as Pdu;
}

describe('iterativeAuthChecks', () => {
  const allowOnly =
    (...ids: string[]): AuthCheck =>
    (event) =>
      ids.some((id) => events.get(id) === event)
        ? { allowed: true }
        : { allowed: false, reason: 'not in the list' };
  const cases = [
    {
      name: 'allowed events replace earlier ones',
      allowed: ['t1', 't2'],
      order: ['t1', 't2'],
      expected: 't2',
    },
    { name: 'a rejected event is ignored', allowed: ['t1'], order: ['t1', 't2'], expected: 't1' },
    {
      name: 'nothing allowed keeps the initial state',
      allowed: [],
      order: ['t1', 't2'],
      expected: 'init',
    },
  ];
  it.each(cases)('$name', ({ allowed, order, expected }) => {
    const state = iterativeAuthChecks(
      order,
      new Map([[topic, 'init']]),
      events,
      roomVersionRules('10'),
      allowOnly(...allowed),
    );
    expect(state.get(topic)).toBe(expected);
  });

  it('skips non-state events and does not change the input map', () => {
    const initial = new Map([[topic, 'init']]);
    const state = iterativeAuthChecks(['msg'], initial, events, roomVersionRules('10'), () => ({
      allowed: true,
    }));
    expect([...state]).toEqual([[topic, 'init']]);
    expect(state).not.toBe(initial);
  });
});
