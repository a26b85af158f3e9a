import { describe, expect, it } from 'vitest';
import { publicKeyFromSeed } from '../../../src/core/crypto/ed25519.js';
import { eventIdFor, withContentHash } from '../../../src/core/event-hashes.js';
import {
  type KeyLookup,
  keyLookupFromMap,
  requiredSigners,
  signEvent,
  signHashedEvent,
  verifyEvent,
} from '../../../src/core/event-signing.js';
import type { JsonObject } from '../../../src/core/json.js';
import type { Pdu, UnsignedPdu } from '../../../src/core/pdu.js';
import { redact } from '../../../src/core/redaction.js';
import { type Signable, signJson } from '../../../src/core/signing.js';

const seedA = new Uint8Array(32).fill(1);
const seedB = new Uint8Array(32).fill(2);
const keys = keyLookupFromMap(
  new Map([
    ['a.example', new Map([['ed25519:a', publicKeyFromSeed(seedA)]])],
    ['b.example', new Map([['ed25519:b', publicKeyFromSeed(seedB)]])],
  ]),
);

const eventId = `$${'A'.repeat(43)}`;

function member(content: JsonObject, sender = '@joiner:a.example'): UnsignedPdu {
  return {
    type: 'm.room.member',
    state_key: sender,
    sender,
    room_id: '!room:b.example',
    content,
    auth_events: [eventId],
    prev_events: [eventId],
    depth: 10,
    origin_server_ts: 1_234,
  };
}

describe('signEvent', () => {
  it('adds our signature beside existing ones and keeps the content', async () => {
    const once = await signEvent(
      member({ membership: 'join' }),
      '11',
      'a.example',
      'ed25519:a',
      seedA,
    );
    const twice = await signEvent(once, '11', 'b.example', 'ed25519:b', seedB);
    expect(Object.keys(twice.signatures ?? {}).sort()).toEqual(['a.example', 'b.example']);
    expect(twice.signatures?.['a.example']).toEqual(once.signatures?.['a.example']);
    expect(twice.content).toEqual({ membership: 'join' });
    expect(twice.hashes.sha256).toBe(once.hashes.sha256);
  });

  it('refuses a malformed key ID or server name', async () => {
    const event = member({ membership: 'join' });
    await expect(signEvent(event, '11', 'a.example', 'rsa:a', seedA)).rejects.toMatchObject({
      errcode: 'M_INVALID_PARAM',
    });
    await expect(signEvent(event, '11', 'bad host', 'ed25519:a', seedA)).rejects.toMatchObject({
      errcode: 'M_INVALID_PARAM',
    });
  });
});

describe('signHashedEvent', () => {
  it.each(['10', '11', '12'] as const)(
    'gives the same event as signEvent for an event already hashed (v%s)',
    async (version) => {
      const event = member({ membership: 'join', displayname: 'Joiner' });
      const viaHashed = await signHashedEvent(
        withContentHash(event),
        version,
        'a.example',
        'ed25519:a',
        seedA,
      );
      expect(viaHashed).toEqual(await signEvent(event, version, 'a.example', 'ed25519:a', seedA));
      expect((await verifyEvent(viaHashed, version, keys)).status).toBe('valid');
    },
  );

  it('refuses a malformed key ID or server name', async () => {
    const event = withContentHash(member({ membership: 'join' }));
    await expect(signHashedEvent(event, '11', 'a.example', 'x', seedA)).rejects.toMatchObject({
      errcode: 'M_INVALID_PARAM',
    });
    await expect(signHashedEvent(event, '11', 'a b', 'ed25519:a', seedA)).rejects.toMatchObject({
      errcode: 'M_INVALID_PARAM',
    });
  });
});

describe('verifyEvent', () => {
  it.each(['10', '11', '12'] as const)(
    'gives the event ID (reference hash) of valid and redacted events (v%s)',
    async (version) => {
      const signed = await signEvent(
        member({ membership: 'join', displayname: 'J' }),
        version,
        'a.example',
        'ed25519:a',
        seedA,
      );
      const valid = await verifyEvent(signed, version, keys);
      expect(valid).toMatchObject({ status: 'valid', eventId: eventIdFor(signed, version) });
      // Tampered content: same signatures, same redacted form, same event ID.
      const tampered = { ...signed, content: { ...signed.content, displayname: 'X' } };
      const redacted = await verifyEvent(tampered, version, keys);
      expect(redacted).toMatchObject({ status: 'redacted', eventId: eventIdFor(signed, version) });
    },
  );

  it('accepts an event signed by its sender server', async () => {
    const signed = await signEvent(
      member({ membership: 'join' }),
      '10',
      'a.example',
      'ed25519:a',
      seedA,
    );
    expect((await verifyEvent(signed, '10', keys)).status).toBe('valid');
  });

  it('rejects an event not signed by the sender server', async () => {
    const signed = await signEvent(
      member({ membership: 'join' }),
      '10',
      'b.example',
      'ed25519:b',
      seedB,
    );
    expect(await verifyEvent(signed, '10', keys)).toMatchObject({
      status: 'rejected',
      reason: 'no signature from a.example',
    });
  });

  it('rejects a signature under an unknown key, and a wrong one under a known key', async () => {
    const unknownKey = await signEvent(
      member({ membership: 'join' }),
      '11',
      'a.example',
      'ed25519:zz',
      seedA,
    );
    expect(await verifyEvent(unknownKey, '11', keys)).toMatchObject({ status: 'rejected' });
    const wrongSeed = await signEvent(
      member({ membership: 'join' }),
      '11',
      'a.example',
      'ed25519:a',
      seedB,
    );
    expect(await verifyEvent(wrongSeed, '11', keys)).toMatchObject({
      status: 'rejected',
      reason: 'bad signature from a.example',
    });
  });

  it('ignores extra junk signatures as long as one known key verifies', async () => {
    const signed = await signEvent(
      member({ membership: 'join' }),
      '11',
      'a.example',
      'ed25519:a',
      seedA,
    );
    const junk: Pdu = {
      ...signed,
      signatures: {
        ...signed.signatures,
        'a.example': { 'ed25519:old': 'AAAA', ...signed.signatures?.['a.example'], 'x:y': 'z' },
      },
    };
    expect((await verifyEvent(junk, '11', keys)).status).toBe('valid');
  });

  it('restricted joins also need the authorising user server signature', async () => {
    const event = member({
      membership: 'join',
      join_authorised_via_users_server: '@admin:b.example',
    });
    const senderOnly = await signEvent(event, '11', 'a.example', 'ed25519:a', seedA);
    expect(await verifyEvent(senderOnly, '11', keys)).toMatchObject({
      status: 'rejected',
      reason: 'no signature from b.example',
    });
    const both = await signEvent(senderOnly, '11', 'b.example', 'ed25519:b', seedB);
    expect((await verifyEvent(both, '11', keys)).status).toBe('valid');
    // Version 10 keeps join_authorised_via_users_server in the redacted form too.
    const both10 = await signEvent(
      await signEvent(event, '10', 'a.example', 'ed25519:a', seedA),
      '10',
      'b.example',
      'ed25519:b',
      seedB,
    );
    expect((await verifyEvent(both10, '10', keys)).status).toBe('valid');
  });

  it('only joins name an authorising server', () => {
    const leave = redact(
      member({
        membership: 'leave',
        join_authorised_via_users_server: '@admin:b.example',
      }) as JsonObject,
      '11',
    );
    expect(requiredSigners(leave)).toEqual({ servers: ['a.example'] });
    const badVia = redact(
      member({ membership: 'join', join_authorised_via_users_server: 'admin' }) as JsonObject,
      '11',
    );
    expect(requiredSigners(badVia)).toEqual({
      error: 'join_authorised_via_users_server is not a valid user ID',
    });
  });

  it('rejects an event whose sender is not a user ID', async () => {
    const signed = await signEvent(
      member({ membership: 'join' }, 'nobody'),
      '11',
      'a.example',
      'ed25519:a',
      seedA,
    );
    expect(await verifyEvent(signed, '11', keys)).toMatchObject({ status: 'rejected' });
  });

  it('gives the redacted form when only the content changed', async () => {
    const signed = await signEvent(
      member({ membership: 'join', displayname: 'Joiner' }),
      '11',
      'a.example',
      'ed25519:a',
      seedA,
    );
    const tampered = { ...signed, content: { ...signed.content, displayname: 'Evil' } };
    const result = await verifyEvent(tampered, '11', keys);
    expect(result).toMatchObject({ status: 'redacted', reason: 'content hash does not match' });
    if (result.status !== 'redacted') throw new Error('unreachable');
    expect(result.pdu.content).toEqual({ membership: 'join' });
    expect(result.pdu.signatures).toEqual(signed.signatures);
    expect(result.pdu).not.toHaveProperty('unsigned');
  });

  it('passes the event timestamp to the key lookup', async () => {
    const signed = await signEvent(
      member({ membership: 'join' }),
      '11',
      'a.example',
      'ed25519:a',
      seedA,
    );
    const seen: [string, string, number][] = [];
    const lookup: KeyLookup = async (server, keyId, ts) => {
      seen.push([server, keyId, ts]);
      return ts > 2_000 ? publicKeyFromSeed(seedA) : undefined; // key expired before the event
    };
    expect((await verifyEvent(signed, '11', lookup)).status).toBe('rejected');
    expect(seen).toEqual([['a.example', 'ed25519:a', 1_234]]);
  });

  it('a signed event without a content hash gives the redacted form', async () => {
    // Signed as another server might: over the redacted form, but with no hashes.sha256.
    const event = { ...member({ membership: 'join', displayname: 'J' }), hashes: {} } as JsonObject;
    const signature = await signJson(
      redact(event, '11') as Signable,
      'a.example',
      'ed25519:a',
      seedA,
    );
    const pdu = { ...event, signatures: signature.signatures } as unknown as Pdu;
    expect(await verifyEvent(pdu, '11', keys)).toMatchObject({
      status: 'redacted',
      reason: 'no sha256 content hash',
      pdu: { content: { membership: 'join' } },
    });
  });
});
