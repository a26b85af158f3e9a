import { describe, expect, it } from 'vitest';
import type { Pdu } from '../../../src/core/pdu.js';
import { roomVersionRules } from '../../../src/core/room-versions.js';
import { isPowerEvent } from '../../../src/core/state-res/event-lookup.js';
import {
  powerEventGraph,
  senderPowerLevel,
  sortPowerEvents,
} from '../../../src/core/state-res/power-events.js';
import { reverseTopologicalPowerOrder } from '../../../src/core/state-res/reverse-topological-order.js';
import { eventsById, type FixtureEvent, graphEvents, readConformance, sorted } from './helpers.js';

interface UnitFixture {
  reverse_topological_ordering_by_auth_events: { events: FixtureEvent[]; expected_order: string[] };
}
const gmsl = readConformance<UnitFixture>('gomatrixserverlib/stateres_v2_unit.json');

describe('isPowerEvent', () => {
  const base = { sender: '@a:x', state_key: '@b:x', type: 'm.room.member' };
  const cases: { name: string; event: Partial<Pdu>; expected: boolean }[] = [
    { name: 'power levels', event: { type: 'm.room.power_levels', state_key: '' }, expected: true },
    { name: 'join rules', event: { type: 'm.room.join_rules', state_key: '' }, expected: true },
    { name: 'create', event: { type: 'm.room.create', state_key: '' }, expected: true },
    { name: 'kick', event: { ...base, content: { membership: 'leave' } }, expected: true },
    { name: 'ban', event: { ...base, content: { membership: 'ban' } }, expected: true },
    {
      name: 'own leave',
      event: { ...base, state_key: '@a:x', content: { membership: 'leave' } },
      expected: false,
    },
    { name: 'invite', event: { ...base, content: { membership: 'invite' } }, expected: false },
    { name: 'topic', event: { type: 'm.room.topic', state_key: '' }, expected: false },
    {
      name: 'not a state event',
      event: { type: 'm.room.power_levels', state_key: undefined },
      expected: false,
    },
  ];
  it.each(cases)('$name → $expected', ({ event, expected }) => {
    const pdu = { content: {}, auth_events: [], ...event } as unknown as Pdu;
    expect(isPowerEvent(pdu)).toBe(expected);
  });
});

describe('powerEventGraph', () => {
  // PL2 cites J (conflicted, not a power event) which cites PL1 (conflicted); M is outside the set.
  const events = graphEvents(
    { PL1: ['M'], J: ['PL1', 'M'], PL2: ['J', 'M'], M: [], T: ['PL2'] },
    (id) => (id.startsWith('PL') ? { type: 'm.room.power_levels', state_key: '' } : {}),
  );
  it('holds the power events and their auth ancestors in the full conflicted set', () => {
    const graph = powerEventGraph(new Set(['PL2', 'J', 'PL1', 'T']), events);
    expect(sorted(graph.keys())).toEqual(['J', 'PL1', 'PL2']);
    expect(sorted(graph.get('PL2') ?? [])).toEqual(['J']);
    expect(sorted(graph.get('J') ?? [])).toEqual(['PL1']);
  });
});

describe('senderPowerLevel and sortPowerEvents', () => {
  const { events, expected_order } = gmsl.reverse_topological_ordering_by_auth_events;
  const byId = eventsById(events);
  // The fixture is room version 2; its events fit the v10 rules (creator in content).
  const rules = roomVersionRules('10');

  it('reads the sender level from the event’s own auth events', () => {
    expect(senderPowerLevel('$IJR:example.com', byId, rules)).toBe(100);
    expect(senderPowerLevel('$IMB:example.com', byId, rules)).toBe(0);
  });

  it('gomatrixserverlib: reverse topological order of all events by auth events', () => {
    const graph = new Map(events.map((e) => [e.event_id, new Set(e.auth_events)]));
    const keyOf = (id: string) => ({
      powerLevel: senderPowerLevel(id, byId, rules),
      originServerTs: byId.get(id)?.origin_server_ts ?? 0,
    });
    expect(reverseTopologicalPowerOrder(graph, keyOf)).toEqual(expected_order);
  });

  it('gomatrixserverlib: sortPowerEvents keeps the power events and their ancestors', () => {
    expect(sortPowerEvents(new Set(byId.keys()), byId, rules)).toEqual(
      expected_order.filter((id) => id !== '$IMB:example.com' && id !== '$IMC:example.com'),
    );
  });
});
