import type { EventId, KeyId, RoomId, ServerName, UserId } from './ids.js';
import { type RoomVersionLike, rulesFor } from './redaction.js';

/**
 * Grammars of the identifiers a PDU carries (appendices, "Identifier Grammar"
 * and "Common Identifier Format"). Every check is a pure predicate: it never
 * throws, whatever it is given, and it narrows to the branded type of ids.ts.
 */

/** The longest user ID, room ID, event ID or room alias, in UTF-8 bytes. */
export const MAX_IDENTIFIER_BYTES = 255;

/** The longest hostname part of a server name, in characters (`1*255dns-char`). */
export const MAX_HOSTNAME_LENGTH = 255;

const utf8 = new TextEncoder();

/** Length of `text` in UTF-8 bytes, without allocating for ASCII-only strings. */
export function utf8ByteLength(text: string): number {
  // Fast path: every UTF-16 unit below 0x80 is one byte.
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  return ascii ? text.length : utf8.encode(text).length;
}

// server_name = hostname [ ":" port ]; port = 1*5DIGIT
// hostname = IPv4address / "[" IPv6address "]" / dns-name
// IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT (a dns-name matches it too)
// IPv6address = 2*45IPv6char; IPv6char = DIGIT / %x41-46 / %x61-66 / ":" / "."
// dns-name = 1*255dns-char; dns-char = DIGIT / ALPHA / "-" / "."
const serverNamePattern = /^(?:[A-Za-z0-9.-]{1,255}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;

/** True for a server name: a DNS name, IPv4 address or bracketed IPv6 literal, optional port. */
export function isValidServerName(value: unknown): value is ServerName {
  return typeof value === 'string' && value.length <= 261 && serverNamePattern.test(value);
}

/**
 * The server name of a sigilled identifier (`@user:server`, `#alias:server`,
 * `!room:server`): everything after the first colon, since localparts cannot
 * hold one while server names can (port, IPv6). Undefined when there is none.
 */
export function serverNameOf(id: string): string | undefined {
  const colon = id.indexOf(':');
  return colon < 0 ? undefined : id.slice(colon + 1);
}

// Historical user ID localparts, which federation must still accept: printable
// ASCII except ':' (U+0021–U+0039, U+003B–U+007E). The grammar for new IDs
// (`[a-z0-9._=/+-]`) is a subset.
const historicalLocalpart = /^[\x21-\x39\x3b-\x7e]+$/;
const currentLocalpart = /^[a-z0-9._=/+-]+$/;

/**
 * True for a user ID, `@localpart:server_name`, accepting the historical
 * localpart grammar (federation must accept users that other servers created
 * long ago), at most 255 bytes.
 */
export function isValidUserId(value: unknown): value is UserId {
  if (typeof value !== 'string' || value.length > MAX_IDENTIFIER_BYTES) return false;
  if (value.charCodeAt(0) !== 0x40 /* @ */) return false;
  const colon = value.indexOf(':');
  if (colon < 2) return false;
  return (
    historicalLocalpart.test(value.slice(1, colon)) && isValidServerName(value.slice(colon + 1))
  );
}

/** True for a user ID whose localpart follows the grammar for newly created users. */
export function isValidNewUserId(value: unknown): value is UserId {
  if (!isValidUserId(value)) return false;
  return currentLocalpart.test(value.slice(1, value.indexOf(':')));
}

// 32 bytes of SHA-256 in unpadded URL-safe base64: 43 characters.
const referenceHashPattern = /^[A-Za-z0-9_-]{43}$/;

/**
 * True for an event ID of room versions 4 and later: `$` followed by the
 * URL-safe unpadded base64 of a SHA-256 reference hash. Every version this
 * node implements uses that format, so `roomVersion` is only checked for
 * being supported.
 */
export function isValidEventId(value: unknown, roomVersion?: RoomVersionLike): value is EventId {
  if (roomVersion !== undefined) rulesFor(roomVersion);
  return (
    typeof value === 'string' &&
    value.length === 44 &&
    value.charCodeAt(0) === 0x24 /* $ */ &&
    referenceHashPattern.test(value.slice(1))
  );
}

/**
 * True for a room ID of `roomVersion`. Versions up to 11: `!opaque_id:server`
 * (the opaque part is any non-empty text without a colon or NUL), at most 255
 * bytes. Version 12: `!` followed by the create event's reference hash (43
 * URL-safe base64 characters), no server name.
 */
export function isValidRoomId(value: unknown, roomVersion: RoomVersionLike): value is RoomId {
  if (typeof value !== 'string' || value.charCodeAt(0) !== 0x21 /* ! */) return false;
  if (rulesFor(roomVersion).roomIdIsCreateEventHash) {
    return value.length === 44 && referenceHashPattern.test(value.slice(1));
  }
  return isValidLegacyRoomId(value);
}

/** True for a `!opaque_id:server` room ID (room versions 1–11). */
export function isValidLegacyRoomId(value: unknown): value is RoomId {
  if (typeof value !== 'string' || value.charCodeAt(0) !== 0x21 /* ! */) return false;
  if (value.length > MAX_IDENTIFIER_BYTES || utf8ByteLength(value) > MAX_IDENTIFIER_BYTES) {
    return false;
  }
  const colon = value.indexOf(':');
  if (colon < 2 || value.includes('\u0000')) return false;
  return isValidServerName(value.slice(colon + 1));
}

/**
 * True for a room alias, `#localpart:server`: the localpart is any non-empty
 * text without a colon, NUL or lone surrogate; at most 255 bytes in all.
 */
export function isValidRoomAlias(value: unknown): value is string {
  if (typeof value !== 'string' || value.charCodeAt(0) !== 0x23 /* # */) return false;
  if (value.length > MAX_IDENTIFIER_BYTES || utf8ByteLength(value) > MAX_IDENTIFIER_BYTES) {
    return false;
  }
  const colon = value.indexOf(':');
  if (colon < 2) return false;
  const localpart = value.slice(1, colon);
  if (localpart.includes('\u0000') || loneSurrogate.test(localpart)) return false;
  return isValidServerName(value.slice(colon + 1));
}

const loneSurrogate = /\p{Cs}/u;

// Signing key IDs: `ed25519:` + a version of [a-zA-Z0-9_] (appendices, "Signing Key").
const keyIdPattern = /^ed25519:[A-Za-z0-9_]+$/;

/** True for an Ed25519 signing key ID, `ed25519:` followed by `[a-zA-Z0-9_]+`. */
export function isValidKeyId(value: unknown): value is KeyId {
  return typeof value === 'string' && value.length <= 255 && keyIdPattern.test(value);
}
