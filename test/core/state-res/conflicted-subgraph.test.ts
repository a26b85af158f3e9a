import { describe, expect, it } from 'vitest';
import { authChain } from '../../../src/core/state-res/auth-chain.js';
import { conflictedStateSubgraph } from '../../../src/core/state-res/conflicted-subgraph.js';
import { graphEvents, readConformance, sorted } from './helpers.js';

interface SubgraphFixture {
  auth_chain: {
    graph: Record<string, string[]>;
    conflicted_subgraph_cases_state_res_v2_1: {
      cases: {
        name: string;
        start: string[];
        conflicted: string[];
        expected_auth_chain: string[];
        expected_conflicted_subgraph: string[];
      }[];
    };
  };
}

const { graph, conflicted_subgraph_cases_state_res_v2_1: v21 } = readConformance<SubgraphFixture>(
  'gomatrixserverlib/stateres_v2_unit.json',
).auth_chain;
const events = graphEvents(graph);

describe('conflictedStateSubgraph (gomatrixserverlib, v2.1)', () => {
  it.each(v21.cases)('$name: auth chain of the start events', ({ start, expected_auth_chain }) => {
    expect(sorted(authChain(start, events))).toEqual(sorted(expected_auth_chain));
  });

  it.each(v21.cases)('$name: subgraph', ({ conflicted, expected_conflicted_subgraph }) => {
    expect(sorted(conflictedStateSubgraph(new Set(conflicted), events))).toEqual(
      sorted(expected_conflicted_subgraph),
    );
  });
});

describe('conflictedStateSubgraph', () => {
  const cases = [
    { name: 'no conflicted events', conflicted: [], expected: [] },
    { name: 'one conflicted event has no path to another', conflicted: ['F'], expected: [] },
    { name: 'unrelated branches share no path', conflicted: ['D2', 'E2'], expected: [] },
    {
      name: 'paths through both branches',
      conflicted: ['G', 'C'],
      expected: ['C', 'D', 'D2', 'E', 'E2', 'F', 'G'],
    },
    { name: 'one branch only', conflicted: ['D2', 'B'], expected: ['B', 'C', 'D', 'D2'] },
    {
      name: 'three conflicted events',
      conflicted: ['D2', 'E', 'A'],
      expected: ['A', 'B', 'C', 'D', 'D2', 'E'],
    },
  ];
  it.each(cases)('$name', ({ conflicted, expected }) => {
    expect(sorted(conflictedStateSubgraph(new Set(conflicted), events))).toEqual(sorted(expected));
  });

  it('terminates on an auth cycle', () => {
    // Z is reached from W and reaches Y (round the cycle), so it counts as on a path.
    const cyclic = graphEvents({ X: ['Y'], Y: ['Z'], Z: ['X'], W: ['X'], V: ['W'] });
    expect(sorted(conflictedStateSubgraph(new Set(['W', 'Y']), cyclic))).toEqual([
      'W',
      'X',
      'Y',
      'Z',
    ]);
  });
});
