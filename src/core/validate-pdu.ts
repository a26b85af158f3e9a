import { MatrixError, NotJsonError, PduValidationError } from './errors.js';
import { EventEncoding } from './event-encoding.js';
import {
  isValidEventId,
  isValidRoomId,
  isValidUserId,
  MAX_IDENTIFIER_BYTES,
  utf8ByteLength,
} from './identifiers.js';
import type { JsonObject } from './json.js';
import { isJsonObject } from './json.js';
import type { Pdu } from './pdu.js';
import { type RoomVersionLike, rulesFor } from './redaction.js';
import { parseStrictJson } from './strict-json.js';

/**
 * Checks that a PDU received over federation has the shape room versions
 * 10–12 give it, before anything else (hashes, signatures, auth) looks at it.
 *
 * - Values: JSON only (plain objects, arrays, strings, booleans, null), numbers
 *   integers within ±(2^53 − 1), no lone UTF-16 surrogates (they have no UTF-8
 *   form, so no canonical JSON), nesting at most MAX_PDU_NESTING levels.
 * - Size (client-server API, "Size limits", which the server-server API
 *   applies to PDUs): the canonical JSON of the whole PDU, signatures and
 *   `unsigned` included, at most 65,536 bytes (M_TOO_LARGE); `type`,
 *   `state_key`, `sender` and `room_id` at most 255 bytes each.
 * - Fields: `auth_events` and `prev_events` arrays of event IDs, `content` an
 *   object, `depth` an integer 0…2^53−1, `origin_server_ts` an integer,
 *   `hashes.sha256` a string (all hashes strings), `signatures` server → key
 *   ID → string, `sender` a user ID, `room_id` a room ID of the version (absent
 *   exactly on a version 12 create event), `state_key` a string when present,
 *   `unsigned` an object when present, top-level `redacts` a string when present.
 *
 * Every failure is a PduValidationError (M_BAD_JSON, or M_TOO_LARGE for size);
 * an unsupported room version is an UnsupportedRoomVersionError. Nothing else
 * is thrown, whatever the input, and the work done is bounded by the size
 * limit, not by the input.
 */

/** The largest PDU, in bytes of canonical JSON. */
export const MAX_PDU_BYTES = 65_536;

/** The deepest nesting of objects and arrays a PDU may have (the PDU itself is level 1). */
export const MAX_PDU_NESTING = 100;

/**
 * The longest text parseAndValidatePdu reads, in bytes (or UTF-16 units for a
 * string). Far above MAX_PDU_BYTES, so that pretty-printed JSON of a valid PDU
 * still parses, but a bound on what a hostile peer can make us parse.
 */
export const MAX_PDU_TEXT_BYTES = 1 << 20;

/** Validates a parsed PDU for `roomVersion` and returns it, typed. */
export function validatePdu(json: unknown, roomVersion: RoomVersionLike): Pdu {
  return validatePduEncoded(json, roomVersion).pdu;
}

/**
 * validatePdu, also returning the canonical encoding it measured the PDU
 * with, for the signature and hash checks to reuse (verifyEvent's `encoding`
 * option): the same checks, the same errors.
 */
export function validatePduEncoded(
  json: unknown,
  roomVersion: RoomVersionLike,
): { pdu: Pdu; encoding: EventEncoding } {
  const rules = rulesFor(roomVersion);
  try {
    checkValues(json);
    if (!isJsonObject(json)) throw bad('A PDU must be a JSON object');
    checkFields(json, rules.roomIdIsCreateEventHash, roomVersion);
    const encoding = EventEncoding.of(json);
    checkSize(encoding);
    return { pdu: json as Pdu, encoding };
  } catch (cause) {
    if (cause instanceof MatrixError) throw cause;
    // A getter that throws, a proxy...: nothing JSON.parse makes, but typed all the same.
    throw new PduValidationError('M_BAD_JSON', 'PDU is not plain JSON', { cause });
  }
}

/**
 * Decodes (UTF-8, strictly), parses (strict JSON: integers only) and validates
 * a PDU. NotJsonError (M_NOT_JSON) for text that is not JSON or not UTF-8;
 * PduValidationError for everything validatePdu refuses, for non-integer
 * numbers (M_BAD_JSON) and for text longer than MAX_PDU_TEXT_BYTES (M_TOO_LARGE).
 */
export function parseAndValidatePdu(input: Uint8Array | string, roomVersion: RoomVersionLike): Pdu {
  const rules = rulesFor(roomVersion);
  if (input.length > MAX_PDU_TEXT_BYTES) {
    throw new PduValidationError('M_TOO_LARGE', `PDU text longer than ${MAX_PDU_TEXT_BYTES} bytes`);
  }
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch (cause) {
      throw new NotJsonError('PDU is not valid UTF-8', { cause });
    }
  }
  let json: unknown;
  try {
    json = parseStrictJson(text);
  } catch (cause) {
    if (cause instanceof NotJsonError) throw cause;
    if (cause instanceof MatrixError) {
      throw new PduValidationError('M_BAD_JSON', cause.message, { cause });
    }
    throw new NotJsonError('PDU is not valid JSON', { cause });
  }
  return validatePdu(json, rules);
}

function bad(message: string): PduValidationError {
  return new PduValidationError('M_BAD_JSON', message);
}

function tooLarge(message: string): PduValidationError {
  return new PduValidationError('M_TOO_LARGE', message);
}

const loneSurrogate = /\p{Cs}/u;

/**
 * Walks every value once, depth first, keeping a lower bound of the canonical
 * JSON size (each UTF-16 unit is at least one UTF-8 byte; quotes, commas,
 * colons and brackets counted), so oversized input stops the walk early and a
 * structure that shares or cycles through objects cannot make it run long.
 */
function checkValues(root: unknown): void {
  const budget = { bytes: 0 };
  walk(root, 1, budget);
}

function spend(budget: { bytes: number }, bytes: number): void {
  budget.bytes += bytes;
  if (budget.bytes > MAX_PDU_BYTES) {
    throw tooLarge(`PDU larger than ${MAX_PDU_BYTES} bytes of canonical JSON`);
  }
}

function checkString(text: string, budget: { bytes: number }): void {
  spend(budget, text.length + 2);
  if (loneSurrogate.test(text)) throw bad('Strings must not hold lone UTF-16 surrogates');
}

function walk(value: unknown, level: number, budget: { bytes: number }): void {
  switch (typeof value) {
    case 'string':
      checkString(value, budget);
      return;
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw bad(`Numbers must be integers within ±(2^53 − 1), got ${value}`);
      }
      spend(budget, 1);
      return;
    case 'boolean':
      spend(budget, 4);
      return;
    case 'object':
      break;
    default:
      throw bad(`A PDU cannot hold a value of type ${typeof value}`);
  }
  if (value === null) {
    spend(budget, 4);
    return;
  }
  if (level > MAX_PDU_NESTING) throw bad(`PDU nested deeper than ${MAX_PDU_NESTING} levels`);
  if (Array.isArray(value)) {
    spend(budget, 1 + Math.max(1, value.length));
    for (const item of value) {
      if (item === undefined) throw bad('Arrays cannot hold undefined');
      walk(item, level + 1, budget);
    }
    return;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw bad('Only plain JSON objects allowed');
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  spend(budget, 1 + Math.max(1, keys.length));
  for (const key of keys) {
    const item = record[key];
    // Canonical JSON leaves undefined properties out, as JSON.stringify does.
    if (item === undefined) continue;
    checkString(key, budget);
    spend(budget, 1);
    walk(item, level + 1, budget);
  }
}

function has(object: JsonObject, key: string): boolean {
  return Object.hasOwn(object, key) && object[key] !== undefined;
}

function checkShortString(pdu: JsonObject, key: string, required: boolean): void {
  if (!has(pdu, key)) {
    if (required) throw bad(`Missing ${key}`);
    return;
  }
  const value = pdu[key];
  if (typeof value !== 'string') throw bad(`${key} must be a string`);
  if (utf8ByteLength(value) > MAX_IDENTIFIER_BYTES) {
    throw tooLarge(`${key} longer than ${MAX_IDENTIFIER_BYTES} bytes`);
  }
}

function checkEventIds(pdu: JsonObject, key: string): void {
  if (!has(pdu, key)) throw bad(`Missing ${key}`);
  const ids = pdu[key];
  if (!Array.isArray(ids)) throw bad(`${key} must be an array of event IDs`);
  for (const id of ids) {
    if (!isValidEventId(id)) throw bad(`${key} holds an invalid event ID`);
  }
}

function checkInteger(pdu: JsonObject, key: string, min: number): void {
  if (!has(pdu, key)) throw bad(`Missing ${key}`);
  const value = pdu[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw bad(`${key} must be an integer from ${min} to 2^53 − 1`);
  }
}

function checkObject(pdu: JsonObject, key: string, required: boolean): JsonObject | undefined {
  if (!has(pdu, key)) {
    if (required) throw bad(`Missing ${key}`);
    return undefined;
  }
  const value = pdu[key];
  if (!isJsonObject(value)) throw bad(`${key} must be an object`);
  return value;
}

function checkFields(pdu: JsonObject, roomIdIsHash: boolean, roomVersion: RoomVersionLike): void {
  checkShortString(pdu, 'type', true);
  checkShortString(pdu, 'state_key', false);
  checkShortString(pdu, 'sender', true);
  if (!isValidUserId(pdu.sender)) throw bad('sender is not a valid user ID');

  const isV12Create = roomIdIsHash && pdu.type === 'm.room.create';
  if (isV12Create) {
    if (has(pdu, 'room_id')) {
      throw bad('A create event of this room version must not have a room_id');
    }
  } else {
    checkShortString(pdu, 'room_id', true);
    if (!isValidRoomId(pdu.room_id, roomVersion)) throw bad('room_id is not a valid room ID');
  }

  checkObject(pdu, 'content', true);
  checkEventIds(pdu, 'auth_events');
  checkEventIds(pdu, 'prev_events');
  checkInteger(pdu, 'depth', 0);
  checkInteger(pdu, 'origin_server_ts', Number.MIN_SAFE_INTEGER);

  const hashes = checkObject(pdu, 'hashes', true) as JsonObject;
  if (typeof hashes.sha256 !== 'string' || !Object.hasOwn(hashes, 'sha256')) {
    throw bad('hashes.sha256 must be a string');
  }
  for (const value of Object.values(hashes)) {
    if (typeof value !== 'string') throw bad('hashes must map algorithms to strings');
  }

  const signatures = checkObject(pdu, 'signatures', true) as JsonObject;
  for (const byKey of Object.values(signatures)) {
    if (!isJsonObject(byKey)) throw bad('signatures must map server names to objects');
    for (const signature of Object.values(byKey)) {
      if (typeof signature !== 'string') throw bad('signatures must map key IDs to strings');
    }
  }

  checkObject(pdu, 'unsigned', false);
  if (has(pdu, 'redacts') && typeof pdu.redacts !== 'string') {
    throw bad('redacts must be a string');
  }
}

function checkSize(encoding: EventEncoding): void {
  const size = encoding.byteLength();
  if (size > MAX_PDU_BYTES) {
    throw tooLarge(`PDU is ${size} bytes of canonical JSON; the limit is ${MAX_PDU_BYTES}`);
  }
}
