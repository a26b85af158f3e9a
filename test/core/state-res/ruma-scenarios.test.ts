import { describe, expect, it } from 'vitest';
import { resolveState } from '../../../src/core/state-res/resolve-state.js';
import { readConformance } from './helpers.js';
import {
  loadScenario,
  resolveAtomically,
  resolveBatched,
  resolveIteratively,
  rows,
  type Scenario,
} from './scenario-harness.js';

const { scenarios } = readConformance<{ scenarios: Scenario[] }>('ruma/scenarios.json');
const batches = scenarios.filter((s) => s.mode === 'batches');
const stateMaps = scenarios.filter((s) => s.mode === 'state_maps');

describe('ruma scenarios', () => {
  it('covers every scenario of the fixture (v10, v11 and v12)', () => {
    expect(batches.length + stateMaps.length).toBe(scenarios.length);
    const versions = new Set(scenarios.map((s) => loadScenario(s).roomVersion));
    expect([...versions].sort()).toEqual(['10', '11', '12']);
  });

  it.each(scenarios)('$name: expected rows carry the events’ own content', (scenario) => {
    const loaded = loadScenario(scenario);
    for (const entry of loaded.expected) {
      expect(loaded.byId.get(entry.event_id)?.content).toEqual(entry.content);
    }
  });
});

describe.each(batches)('ruma batches scenario $name', (scenario) => {
  const loaded = loadScenario(scenario);
  const expected = loaded.expected.map((e) => [e.type, e.state_key, e.event_id]);

  it('iterative (walking prev_events forward) gives the expected state', () => {
    expect(rows(resolveIteratively(loaded))).toEqual(expected);
  });
  it('batched (file by file) gives the expected state', () => {
    expect(rows(resolveBatched(loaded))).toEqual(expected);
  });
  it('atomic (one single-entry map per PDU) gives the expected state', () => {
    expect(rows(resolveAtomically(loaded))).toEqual(expected);
  });
});

describe.each(stateMaps)('ruma state maps scenario $name', (scenario) => {
  const loaded = loadScenario(scenario);
  it(`room version ${loaded.roomVersion} gives the expected state`, () => {
    const resolved = resolveState(loaded.roomVersion, loaded.stateSets, loaded.byId);
    expect(rows(resolved)).toEqual(loaded.expected.map((e) => [e.type, e.state_key, e.event_id]));
  });
});
