import { describe, expect, it } from 'vitest';
import { authChain, authDifference } from '../../../src/core/state-res/auth-chain.js';
import { MissingEventError } from '../../../src/core/state-res/missing-event-error.js';
import { graphEvents, readConformance, sorted } from './helpers.js';

interface AuthChainFixture {
  auth_chain: {
    graph: Record<string, string[]>;
    full_auth_chain_cases: { name: string; start: string[]; expected: string[] }[];
  };
}

const fixture = readConformance<AuthChainFixture>('gomatrixserverlib/stateres_v2_unit.json');
const gmsl = fixture.auth_chain;
const gmslEvents = graphEvents(gmsl.graph);

describe('authChain (gomatrixserverlib full auth chain)', () => {
  it.each(gmsl.full_auth_chain_cases)('$name', ({ start, expected }) => {
    expect(sorted(authChain(start, gmslEvents))).toEqual(sorted(expected));
  });
});

describe('authChain', () => {
  const cases = [
    { name: 'no start events', start: [], expected: [] },
    { name: 'root has an empty chain', start: ['A'], expected: [] },
    {
      name: 'two roots of one chain',
      start: ['G', 'D2'],
      expected: ['A', 'B', 'C', 'D', 'D2', 'E', 'E2', 'F'],
    },
  ];
  it.each(cases)('$name', ({ start, expected }) => {
    expect(sorted(authChain(start, gmslEvents))).toEqual(sorted(expected));
  });

  it('stops at events in stopAt without walking through them', () => {
    expect(sorted(authChain(['F'], gmslEvents, new Set(['C', 'B', 'A'])))).toEqual(
      sorted(['D', 'D2', 'E', 'E2']),
    );
  });

  it('terminates on an auth cycle', () => {
    const events = graphEvents({ X: ['Y'], Y: ['Z'], Z: ['X'] });
    expect(sorted(authChain(['X'], events))).toEqual(['X', 'Y', 'Z']);
  });

  it('raises MissingEventError (M_NOT_FOUND) for a missing auth event', () => {
    const events = graphEvents({ X: ['gone'] });
    expect(() => authChain(['X'], events)).toThrow(MissingEventError);
    try {
      authChain(['X'], events);
    } catch (error) {
      expect(error).toMatchObject({ errcode: 'M_NOT_FOUND', eventId: 'gone' });
    }
  });
});

describe('authDifference', () => {
  // Keys are the event IDs themselves (graphEvents uses the ID as state_key).
  const key = (id: string): string => `m.room.member\u0000${id}`;
  const set = (...ids: string[]) => new Map(ids.map((id) => [key(id), id]));
  const cases = [
    { name: 'one set: nothing differs', sets: [set('F')], expected: [] },
    { name: 'identical sets', sets: [set('F'), set('F')], expected: [] },
    { name: 'two branches of a fork', sets: [set('D2'), set('E2')], expected: ['D', 'E'] },
    {
      name: 'chain inside another chain',
      sets: [set('C'), set('G')],
      expected: ['C', 'D', 'D2', 'E', 'E2', 'F'],
    },
    {
      name: 'unconflicted entries count in every chain',
      sets: [set('D', 'E2'), set('D', 'E')],
      expected: ['E'],
    },
    {
      name: 'three sets: in two of three still differs',
      sets: [set('D'), set('D2'), set('E')],
      expected: ['D'],
    },
  ];
  it.each(cases)('$name', ({ sets, expected }) => {
    expect(sorted(authDifference(sets, gmslEvents))).toEqual(sorted(expected));
  });
});
