import { encodeBase64 } from './base64.js';
import { canonicalJsonBytes } from './canonical-json.js';
import { sha256 } from './crypto/sha256.js';
import { InvalidInputError } from './errors.js';
import type { EventEncoding } from './event-encoding.js';
import type { EventId, RoomId } from './ids.js';
import type { JsonObject } from './json.js';
import type { Pdu, UnsignedPdu } from './pdu.js';
import { type RoomVersionLike, redact, rulesFor } from './redaction.js';

/**
 * Event hashes (server-server API, "Calculating the content hash for an
 * event" and "Calculating the reference hash for an event") and the
 * identifiers derived from them (room versions 4+ event IDs; room version 12
 * room IDs). Pure and synchronous: SHA-256 is computed in JS.
 */

/** Anything shaped like an event: a PDU, an unsigned PDU, or raw JSON from the wire. */
type EventLike = Pdu | UnsignedPdu | JsonObject;

/**
 * The content hash: unpadded standard base64 of the SHA-256 of the canonical
 * JSON of the event without `unsigned`, `signatures` and `hashes`. It covers
 * the full, unredacted event. CanonicalJsonError (M_BAD_JSON) if the event
 * holds something canonical JSON cannot.
 */
export function contentHash(event: EventLike): string {
  // Object rest copies own properties as data properties: `__proto__` is safe.
  const {
    unsigned: _unsigned,
    signatures: _signatures,
    hashes: _hashes,
    ...hashed
  } = event as JsonObject;
  return encodeBase64(sha256(canonicalJsonBytes(hashed)));
}

/** The top-level keys the content hash leaves out. */
const notContentHashed: ReadonlySet<string> = new Set(['unsigned', 'signatures', 'hashes']);

/** contentHash of the event `encoding` encodes, from that encoding (no second encoding). */
export function contentHashOf(encoding: EventEncoding): string {
  return encodeBase64(sha256(utf8.encode(encoding.canonicalWithout(notContentHashed))));
}

const utf8 = new TextEncoder();

/** A copy of `event` with `hashes.sha256` set to its content hash (other hashes kept). */
export function withContentHash<T extends EventLike>(event: T): T & { hashes: Pdu['hashes'] } {
  const existing = (event as { hashes?: unknown }).hashes;
  const hashes: Record<string, string> = {};
  if (typeof existing === 'object' && existing !== null && !Array.isArray(existing)) {
    for (const [algorithm, value] of Object.entries(existing)) {
      if (typeof value === 'string') Object.defineProperty(hashes, algorithm, enumerable(value));
    }
  }
  hashes.sha256 = contentHash(event);
  return { ...event, hashes: hashes as Pdu['hashes'] };
}

function enumerable(value: string): PropertyDescriptor {
  return { value, enumerable: true, writable: true, configurable: true };
}

/**
 * The reference hash: SHA-256 of the canonical JSON of the event redacted by
 * the rules of `roomVersion`, without `signatures` and `unsigned` (the
 * redacted form keeps `hashes`, so the reference hash commits to the full
 * content through the content hash). Unpadded URL-safe base64, as event IDs of
 * room versions 4+ use it.
 */
export function referenceHash(event: EventLike, roomVersion: RoomVersionLike): string {
  const {
    signatures: _signatures,
    unsigned: _unsigned,
    ...hashed
  } = redact(event as JsonObject, roomVersion);
  return encodeBase64(sha256(canonicalJsonBytes(hashed)), { urlSafe: true });
}

/** The event ID of `event` (room versions 4+): `$` + its reference hash. */
export function eventIdFor(event: EventLike, roomVersion: RoomVersionLike): EventId {
  return `$${referenceHash(event, roomVersion)}` as EventId;
}

/**
 * The room ID a room version 12 create event gives its room: `!` + the create
 * event's reference hash under the version 12 rules. The create event itself
 * carries no `room_id`. InvalidInputError when `create` is not an
 * `m.room.create` event.
 */
export function roomIdForCreate(create: EventLike, roomVersion: RoomVersionLike = '12'): RoomId {
  if ((create as { type?: unknown }).type !== 'm.room.create') {
    throw new InvalidInputError('Only an m.room.create event defines a room ID');
  }
  if (!rulesFor(roomVersion).roomIdIsCreateEventHash) {
    throw new InvalidInputError('Only room versions 12+ derive the room ID from the create event');
  }
  return `!${referenceHash(create, roomVersion)}` as RoomId;
}
