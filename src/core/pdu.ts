import type { JsonObject, JsonValue } from './json.js';

/** `signatures`: server name → key ID → unpadded base64 signature. */
export type Signatures = Record<string, Record<string, string>>;

/**
 * A PDU as room versions 10–12 put it on the wire. The event ID is not a field:
 * it is the reference hash (see event-hashes.ts). `room_id` is absent only on a
 * version 12 create event. Unknown top-level keys are kept (they are hashed).
 */
export interface Pdu {
  auth_events: string[];
  content: JsonObject;
  depth: number;
  hashes: { sha256: string; [algorithm: string]: string };
  origin_server_ts: number;
  prev_events: string[];
  room_id?: string;
  sender: string;
  signatures?: Signatures;
  state_key?: string;
  type: string;
  unsigned?: JsonObject;
  /** Top-level in room versions up to 10; in content from 11. */
  redacts?: string;
  [key: string]: JsonValue | undefined;
}

/** A PDU before hashing and signing: `hashes` and `signatures` are filled in by signEvent. */
export type UnsignedPdu = Omit<Pdu, 'hashes' | 'signatures'> & {
  hashes?: Pdu['hashes'];
  signatures?: Signatures;
};

/** True for a state event (it has a `state_key`, possibly empty). */
export function isStateEvent(pdu: { state_key?: unknown }): boolean {
  return typeof pdu.state_key === 'string';
}

/** The `(type, state_key)` pair a state event fills, as one string key. */
export type StateKey = string;

/** Joins an event type and state key into the key used in state maps. */
export function stateKeyOf(type: string, stateKey: string): StateKey {
  // A NUL cannot appear in a valid type, so the split is unambiguous.
  return `${type}\u0000${stateKey}`;
}

/** Splits a state map key back into type and state key. */
export function splitStateKey(key: StateKey): [type: string, stateKey: string] {
  const at = key.indexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
}
