import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type StateKey, stateKeyOf } from '../../../src/core/pdu.js';
import { authDifference } from '../../../src/core/state-res/auth-chain.js';
import { resolveState } from '../../../src/core/state-res/resolve-state.js';
import { graphEvents, readConformance, sorted } from './helpers.js';
import { loadScenario, type Scenario, singleEntry } from './scenario-harness.js';

const { scenarios } = readConformance<{ scenarios: Scenario[] }>('ruma/scenarios.json');
const loaded = scenarios.map((s) => ({ name: s.name, ...loadScenario(s) }));

/** Random state sets over a scenario's events: subsets of its PDUs, one-entry maps and the given maps. */
const setsOf = (s: (typeof loaded)[number]) => {
  const singles = s.batches.flat().map(singleEntry);
  return fc.subarray([...singles, ...s.stateSets], { minLength: 1 });
};

describe('resolveState properties', () => {
  it.each(loaded)('$name: the order of the state sets does not matter', (s) => {
    fc.assert(
      fc.property(
        setsOf(s).chain((sets) =>
          fc.tuple(fc.constant(sets), fc.shuffledSubarray(sets, { minLength: sets.length })),
        ),
        ([sets, shuffled]) => {
          const a = resolveState(s.roomVersion, sets, s.byId);
          const b = resolveState(s.roomVersion, shuffled, s.byId);
          expect(sorted([...b].map(([k, v]) => `${k}=${v}`))).toEqual(
            sorted([...a].map(([k, v]) => `${k}=${v}`)),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a single state set comes back unchanged, whatever it holds', () => {
    const stateMap = fc
      .dictionary(fc.string(), fc.string())
      .map(
        (record) =>
          new Map<StateKey, string>(
            Object.entries(record).map(([k, v]) => [stateKeyOf('t', k), v]),
          ),
      );
    fc.assert(
      fc.property(
        stateMap,
        fc.constantFrom('10', '11', '12'),
        fc.integer({ min: 1, max: 4 }),
        (map, version, copies) => {
          const sets = Array.from({ length: copies }, () => map);
          expect(resolveState(version, sets, new Map())).toEqual(map);
        },
      ),
    );
  });

  it.each(loaded)('$name: a single state set of real events comes back unchanged', (s) => {
    fc.assert(
      fc.property(setsOf(s), (sets) => {
        const merged = new Map<StateKey, string>();
        for (const set of sets) for (const [k, v] of set) merged.set(k, v);
        expect(resolveState(s.roomVersion, [merged], s.byId)).toEqual(merged);
      }),
      { numRuns: 10 },
    );
  });
});

describe('authDifference matches the spec formula on random DAGs', () => {
  // Event i may cite any event j < i, so the graph is a DAG.
  const dag = fc.integer({ min: 1, max: 25 }).chain((n) =>
    fc.tuple(
      fc.constant(n),
      fc.array(fc.subarray(Array.from({ length: n }, (_, i) => i)), {
        minLength: n,
        maxLength: n,
      }),
    ),
  );
  it('∪Cᵢ − ∩Cᵢ', () => {
    fc.assert(
      fc.property(
        dag,
        fc.array(fc.array(fc.nat(), { maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        ([n, cites], picks) => {
          const graph: Record<string, string[]> = {};
          for (let i = 0; i < n; i++)
            graph[`e${i}`] = (cites[i] ?? []).filter((j) => j < i).map((j) => `e${j}`);
          const events = graphEvents(graph);
          const sets = picks.map(
            (pick) =>
              new Map(
                pick.map((p) => `e${p % n}`).map((id) => [stateKeyOf('m.room.member', id), id]),
              ),
          );
          const chainOf = (ids: Iterable<string>): Set<string> => {
            const out = new Set<string>();
            const walk = (id: string): void => {
              for (const a of graph[id] ?? [])
                if (!out.has(a)) {
                  out.add(a);
                  walk(a);
                }
            };
            for (const id of ids) walk(id);
            return out;
          };
          const chains = sets.map((set) => chainOf(set.values()));
          const union = new Set(chains.flatMap((c) => [...c]));
          const expected = [...union].filter((id) => !chains.every((c) => c.has(id)));
          expect(sorted(authDifference(sets, events))).toEqual(sorted(expected));
        },
      ),
    );
  });
});
