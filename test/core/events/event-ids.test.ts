import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../../src/core/base64.js';
import { canonicalJson } from '../../../src/core/canonical-json.js';
import { publicKeyFromSeed } from '../../../src/core/crypto/ed25519.js';
import {
  contentHash,
  eventIdFor,
  referenceHash,
  roomIdForCreate,
  withContentHash,
} from '../../../src/core/event-hashes.js';
import { keyLookupFromMap, signEvent, verifyEvent } from '../../../src/core/event-signing.js';
import { isValidEventId, isValidRoomId } from '../../../src/core/identifiers.js';
import type { UnsignedPdu } from '../../../src/core/pdu.js';
import { validatePdu } from '../../../src/core/validate-pdu.js';

const seed = decodeBase64('YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1');
const keys = keyLookupFromMap({ 'example.org': { 'ed25519:1': publicKeyFromSeed(seed) } });

/** SHA-256 in URL-safe unpadded base64, by Node's own crypto, as an independent check. */
function sha256Url(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url');
}

const create: UnsignedPdu = {
  type: 'm.room.create',
  state_key: '',
  sender: '@alice:example.org',
  content: { room_version: '12', additional_creators: ['@bob:example.org'] },
  auth_events: [],
  prev_events: [],
  depth: 1,
  origin_server_ts: 1_700_000_000_000,
  unsigned: { age: 5 },
};

describe('room version 12: the room ID is the create event reference hash', () => {
  it('matches an independent computation over the redacted create event', async () => {
    const signed = await signEvent(create, '12', 'example.org', 'ed25519:1', seed);
    const roomId = roomIdForCreate(signed);
    // v11 redaction of a create event keeps all content; signatures/unsigned are left out.
    const { unsigned: _u, signatures: _s, ...hashed } = signed;
    expect(roomId).toBe(`!${sha256Url(canonicalJson(hashed))}`);
    expect(isValidRoomId(roomId, '12')).toBe(true);
    expect(isValidRoomId(roomId, '11')).toBe(false);
  });

  it('is the event ID with ! for $', async () => {
    const signed = await signEvent(create, '12', 'example.org', 'ed25519:1', seed);
    const eventId = eventIdFor(signed, '12');
    expect(isValidEventId(eventId)).toBe(true);
    expect(roomIdForCreate(signed)).toBe(`!${eventId.slice(1)}`);
  });

  it('does not depend on signatures or unsigned, but does on content (through hashes)', async () => {
    const signed = await signEvent(create, '12', 'example.org', 'ed25519:1', seed);
    const resigned = await signEvent(signed, '12', 'other.example', 'ed25519:k', seed);
    expect(roomIdForCreate({ ...resigned, unsigned: { age: 99 } })).toBe(roomIdForCreate(signed));
    const changed = await signEvent(
      { ...create, content: { room_version: '12' } },
      '12',
      'example.org',
      'ed25519:1',
      seed,
    );
    expect(roomIdForCreate(changed)).not.toBe(roomIdForCreate(signed));
  });

  it('verifies and validates as a v12 create event without room_id', async () => {
    const signed = await signEvent(create, '12', 'example.org', 'ed25519:1', seed);
    expect(await verifyEvent(signed, '12', keys)).toEqual({
      status: 'valid',
      pdu: signed,
      eventId: eventIdFor(signed, '12'),
    });
    expect(validatePdu(signed, '12')).toBe(signed);
  });

  it('refuses events that are not create events, and versions before 12', () => {
    expect(() => roomIdForCreate({ ...create, type: 'm.room.member' })).toThrow(
      expect.objectContaining({ name: 'InvalidInputError' }),
    );
    expect(() => roomIdForCreate(create, '11')).toThrow(
      expect.objectContaining({ errcode: 'M_INVALID_PARAM' }),
    );
  });
});

describe('event IDs and hashes', () => {
  const message: UnsignedPdu = {
    type: 'm.room.message',
    room_id: '!room:example.org',
    sender: '@alice:example.org',
    content: { body: 'hello', msgtype: 'm.text' },
    auth_events: [],
    prev_events: [],
    depth: 2,
    origin_server_ts: 1_700_000_000_001,
    origin: 'example.org',
  };

  it('the content hash leaves out unsigned, signatures and hashes', () => {
    const base = contentHash(message);
    expect(contentHash({ ...message, unsigned: { age: 1 } })).toBe(base);
    expect(contentHash({ ...message, signatures: { x: { 'ed25519:a': 'b' } } })).toBe(base);
    expect(contentHash({ ...message, hashes: { sha256: 'nope' } })).toBe(base);
    expect(contentHash({ ...message, depth: 3 })).not.toBe(base);
    expect(base).toBe(
      createHash('sha256').update(canonicalJson(message)).digest('base64').replace(/=+$/, ''),
    );
  });

  it('withContentHash keeps other hash algorithms', () => {
    const hashed = withContentHash({ ...message, hashes: { sha256: 'old', other: 'x' } });
    expect(hashed.hashes).toEqual({ sha256: contentHash(message), other: 'x' });
  });

  it('the reference hash depends on the room version through redaction', () => {
    const hashed = withContentHash(message);
    // v10 keeps top-level `origin`, v11 drops it.
    expect(referenceHash(hashed, '10')).not.toBe(referenceHash(hashed, '11'));
    expect(referenceHash(hashed, '11')).toBe(referenceHash(hashed, '12'));
    const { origin: _o, ...withoutOrigin } = hashed;
    expect(referenceHash(withoutOrigin, '10')).toBe(referenceHash(hashed, '11'));
  });

  it('an event ID is $ and 43 URL-safe base64 characters', () => {
    const id = eventIdFor(withContentHash(message), '11');
    expect(id).toMatch(/^\$[A-Za-z0-9_-]{43}$/);
    expect(isValidEventId(id, '11')).toBe(true);
  });

  it('redacting an event does not change its event ID', async () => {
    const signed = await signEvent(message, '11', 'example.org', 'ed25519:1', seed);
    expect(eventIdFor({ ...signed, content: {} }, '11')).toBe(eventIdFor(signed, '11'));
  });
});
