import { describe, expect, it } from 'vitest';
import {
  type PowerSortKey,
  reverseTopologicalPowerOrder,
} from '../../../src/core/state-res/reverse-topological-order.js';
import { readConformance } from './helpers.js';

interface UnitFixture {
  lexicographical_power_sort: {
    input: { event_id: string; power_level: number; origin_server_ts: number }[];
    expected_order: string[];
  };
}
interface RumaScenarios {
  unit_cases: {
    reverse_topological_power_sort: {
      graph: Record<string, string[]>;
      all_power_levels: number;
      all_origin_server_ts: number;
      expected: string[];
    };
  };
}

const gmsl = readConformance<UnitFixture>('gomatrixserverlib/stateres_v2_unit.json');
const ruma = readConformance<RumaScenarios>('ruma/scenarios.json').unit_cases;

const toGraph = (record: Record<string, readonly string[]>) =>
  new Map(Object.entries(record).map(([id, auth]) => [id, new Set(auth)]));

describe('reverseTopologicalPowerOrder', () => {
  it('gomatrixserverlib: tie-break by power desc, ts asc, event ID asc', () => {
    const { input, expected_order } = gmsl.lexicographical_power_sort;
    const keys = new Map(
      input.map((e) => [
        e.event_id,
        { powerLevel: e.power_level, originServerTs: e.origin_server_ts },
      ]),
    );
    const graph = toGraph(Object.fromEntries(input.map((e) => [e.event_id, []])));
    expect(reverseTopologicalPowerOrder(graph, (id) => keys.get(id) as PowerSortKey)).toEqual(
      expected_order,
    );
  });

  it('ruma: topological order first, then event ID', () => {
    const { graph, all_power_levels, all_origin_server_ts, expected } =
      ruma.reverse_topological_power_sort;
    const key = { powerLevel: all_power_levels, originServerTs: all_origin_server_ts };
    expect(reverseTopologicalPowerOrder(toGraph(graph), () => key)).toEqual(expected);
  });

  const level = (levels: Record<string, number>) => (id: string) => ({
    powerLevel: levels[id] ?? 0,
    originServerTs: 0,
  });
  const cases: {
    name: string;
    graph: Record<string, string[]>;
    levels: Record<string, number>;
    expected: string[];
  }[] = [
    {
      name: 'edges beat power',
      graph: { x: ['y'], y: [] },
      levels: { x: 100 },
      expected: ['y', 'x'],
    },
    {
      name: 'Infinity (v12 creator) first',
      graph: { a: [], b: [] },
      levels: { b: Infinity, a: 100 },
      expected: ['b', 'a'],
    },
    {
      name: 'edges to outside the graph are ignored',
      graph: { a: ['outside'], b: [] },
      levels: { a: 50 },
      expected: ['a', 'b'],
    },
    {
      name: 'cycle members follow the rest',
      graph: { a: ['b'], b: ['a'], c: [] },
      levels: { a: 9, b: 8 },
      expected: ['c', 'a', 'b'],
    },
    { name: 'empty graph', graph: {}, levels: {}, expected: [] },
  ];
  it.each(cases)('$name', ({ graph, levels, expected }) => {
    expect(reverseTopologicalPowerOrder(toGraph(graph), level(levels))).toEqual(expected);
  });
});
