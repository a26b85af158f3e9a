import { readFileSync } from 'node:fs';
import type { JsonObject } from '../../../src/core/json.js';
import { type Pdu, type StateKey, stateKeyOf } from '../../../src/core/pdu.js';

/** Reads a file of /work/shared/conformance as JSON, as it is. */
export function readConformance<T>(path: string): T {
  const url = new URL(`../../../../shared/conformance/${path}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

/** A fixture event: the PDU fields state resolution reads, and its `event_id`. */
export interface FixtureEvent {
  event_id: string;
  type: string;
  state_key?: string;
  sender: string;
  room_id?: string;
  content: JsonObject;
  auth_events: string[];
  prev_events: string[];
  origin_server_ts: number;
}

/** The PDU a fixture event stands for (crypto is not checked, so hashes stay empty). */
export function toPdu(event: FixtureEvent): Pdu {
  const { event_id: _id, ...rest } = event;
  return { depth: 0, hashes: { sha256: '' }, ...rest };
}

/** Event ID → PDU for fixture events. */
export function eventsById(events: Iterable<FixtureEvent>): Map<string, Pdu> {
  const map = new Map<string, Pdu>();
  for (const event of events) map.set(event.event_id, toPdu(event));
  return map;
}

/** The state map made of the given event IDs, keyed by each event's (type, state_key). */
export function stateMapOf(
  ids: Iterable<string>,
  events: ReadonlyMap<string, Pdu>,
): Map<StateKey, string> {
  const map = new Map<StateKey, string>();
  for (const id of ids) {
    const event = events.get(id);
    if (event?.state_key === undefined) throw new Error(`fixture has no state event ${id}`);
    map.set(stateKeyOf(event.type, event.state_key), id);
  }
  return map;
}

/** Stub state events forming the given auth graph (event ID → auth event IDs). */
export function graphEvents(
  graph: Readonly<Record<string, readonly string[]>>,
  extra: (id: string) => Partial<Pdu> = () => ({}),
): Map<string, Pdu> {
  const events = new Map<string, Pdu>();
  for (const [id, authEvents] of Object.entries(graph)) {
    events.set(id, {
      auth_events: [...authEvents],
      content: {} as JsonObject,
      depth: 0,
      hashes: { sha256: '' },
      origin_server_ts: 0,
      prev_events: [],
      room_id: '!room:example.com',
      sender: '@user:example.com',
      state_key: id,
      type: 'm.room.member',
      ...extra(id),
    });
  }
  return events;
}

/** Sorted copy, so set comparisons ignore order. */
export function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}
