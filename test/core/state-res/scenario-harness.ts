import { type Pdu, type StateKey, stateKeyOf } from '../../../src/core/pdu.js';
import { resolveState } from '../../../src/core/state-res/resolve-state.js';
import { eventsById, type FixtureEvent, readConformance, stateMapOf } from './helpers.js';

/** One entry of ruma/scenarios.json. */
export interface Scenario {
  name: string;
  mode: 'batches' | 'state_maps';
  pdus_files: string[];
  state_map_files: string[] | null;
  expected: string;
}

/** One entry of ruma/expected/*.json. */
export interface ExpectedEntry {
  type: string;
  state_key: string;
  event_id: string;
  content: unknown;
}

/** A scenario loaded: its room version, PDU batches (one per file) and events by ID. */
export interface LoadedScenario {
  roomVersion: string;
  batches: FixtureEvent[][];
  byId: Map<string, Pdu>;
  stateSets: Map<StateKey, string>[];
  expected: ExpectedEntry[];
}

/** Loads a scenario's files as they are. */
export function loadScenario(scenario: Scenario): LoadedScenario {
  const batches = scenario.pdus_files.map((f) =>
    readConformance<FixtureEvent[]>(`ruma/fixtures/${f}`),
  );
  const byId = eventsById(batches.flat());
  const first = batches[0]?.[0];
  const roomVersion = String(first?.content.room_version);
  const stateSets = (scenario.state_map_files ?? []).map((f) =>
    stateMapOf(readConformance<string[]>(`ruma/fixtures/${f}`), byId),
  );
  const expected = readConformance<ExpectedEntry[]>(`ruma/${scenario.expected}`);
  return { roomVersion, batches, byId, stateSets, expected };
}

/** A single-entry state map holding just `event`. */
export function singleEntry(event: FixtureEvent): Map<StateKey, string> {
  return new Map([[stateKeyOf(event.type, event.state_key ?? ''), event.event_id]]);
}

/** Harness (1): walk prev_events forward; state after e = resolve([before, before + e]). */
export function resolveIteratively(s: LoadedScenario): Map<StateKey, string> {
  const all = s.batches.flat();
  const after = new Map<string, Map<StateKey, string>>();
  const referenced = new Set(all.flatMap((e) => e.prev_events));
  let todo = all;
  while (todo.length > 0) {
    const ready = todo.filter((e) => e.prev_events.every((p) => after.has(p)));
    if (ready.length === 0) throw new Error('prev_events point outside the fixture');
    for (const event of ready) {
      const before = resolveState(
        s.roomVersion,
        event.prev_events.map((p) => after.get(p) as Map<StateKey, string>),
        s.byId,
      );
      const proposed = new Map(before).set(
        stateKeyOf(event.type, event.state_key ?? ''),
        event.event_id,
      );
      after.set(event.event_id, resolveState(s.roomVersion, [before, proposed], s.byId));
    }
    todo = todo.filter((e) => !after.has(e.event_id));
  }
  const leaves = all.filter((e) => !referenced.has(e.event_id));
  return resolveState(
    s.roomVersion,
    leaves.map((e) => after.get(e.event_id) as Map<StateKey, string>),
    s.byId,
  );
}

/** Harness (2): per file, resolve the previous result with one single-entry map per PDU. */
export function resolveBatched(s: LoadedScenario): Map<StateKey, string> {
  let previous: Map<StateKey, string> | undefined;
  for (const batch of s.batches) {
    const sets = [...(previous ? [previous] : []), ...batch.map(singleEntry)];
    previous = resolveState(s.roomVersion, sets, s.byId);
  }
  return previous ?? new Map();
}

/** Harness (3): one single-entry map per PDU of all files, resolved at once. */
export function resolveAtomically(s: LoadedScenario): Map<StateKey, string> {
  return resolveState(s.roomVersion, s.batches.flat().map(singleEntry), s.byId);
}

/** A state map as the sorted (type, state_key, event_id) rows the expected files hold. */
export function rows(state: ReadonlyMap<StateKey, string>): [string, string, string][] {
  return [...state]
    .map(([key, id]): [string, string, string] => {
      const at = key.indexOf('\u0000');
      return [key.slice(0, at), key.slice(at + 1), id];
    })
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
}
