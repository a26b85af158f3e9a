import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  canonicalJsonBytes,
  canonicalMembers,
  joinMembers,
} from '../../../src/core/canonical-json.js';
import { publicKeyFromSeed } from '../../../src/core/crypto/ed25519.js';
import { EventEncoding } from '../../../src/core/event-encoding.js';
import { contentHash, contentHashOf, eventIdFor } from '../../../src/core/event-hashes.js';
import {
  keyLookupFromMap,
  signEvent,
  startVerifyEvent,
  verifyEvent,
} from '../../../src/core/event-signing.js';
import type { JsonObject } from '../../../src/core/json.js';
import type { Pdu, UnsignedPdu } from '../../../src/core/pdu.js';
import { redact } from '../../../src/core/redaction.js';
import type { RoomVersionId } from '../../../src/core/room-versions.js';
import { MAX_PDU_BYTES, validatePdu, validatePduEncoded } from '../../../src/core/validate-pdu.js';

const eventId = `$${'A'.repeat(43)}`;

function event(overrides: JsonObject = {}): JsonObject {
  return {
    type: 'm.room.message',
    room_id: '!room:example.org',
    sender: '@alice:example.org',
    content: { msgtype: 'm.text', body: 'hi' },
    auth_events: [eventId],
    prev_events: [eventId],
    depth: 5,
    origin_server_ts: 1_700_000_000_000,
    hashes: { sha256: 'abc' },
    signatures: { 'example.org': { 'ed25519:1': 'sig' } },
    ...overrides,
  };
}

function without(object: JsonObject, keys: readonly string[]): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));
}

/** Events whose every form must encode exactly as canonicalJson encodes it. */
const events: [name: string, event: JsonObject][] = [
  ['a message', event()],
  [
    'keys given out of order, nested too',
    { z: 1, a: { y: [2, { d: 1, c: 2 }], b: null }, m: true },
  ],
  ['the empty object', {}],
  ['a lone key', { only: 'one' }],
  ['keys ordered by code point, not UTF-16 unit', { '\u{1F408}': 1, '\uFFFF': 2, '\uE000': 3 }],
  ['integer-like keys (enumerated first by JS)', { b: 1, '10': 2, '9': 3, a: 4 }],
  ['keys and strings needing escapes', { 'a"b': 'line\nbreak', 'c\\d': '\u0001\u001f"' }],
  ['multi-byte text', event({ content: { body: 'héllo wörld 🐈 ✓' } })],
  ['undefined members are left out', { a: 1, b: undefined, c: 3 } as unknown as JsonObject],
  ['-0 and the extreme integers', { n: -0, max: 2 ** 53 - 1, min: -(2 ** 53 - 1) }],
  [
    'a state event with unsigned and extra keys',
    event({
      type: 'm.room.member',
      state_key: '@alice:example.org',
      content: { membership: 'join', displayname: 'Alice', avatar_url: 'mxc://x/y' },
      unsigned: { age: 4 },
      origin: 'example.org',
    }),
  ],
  [
    'a create event (v11+ keeps its whole content)',
    event({ type: 'm.room.create', state_key: '', content: { creator: '@a:b', m: { n: 1 } } }),
  ],
];

const omits: readonly (readonly string[])[] = [
  [],
  ['unsigned', 'signatures', 'hashes'],
  ['signatures', 'unsigned'],
  ['content'],
  ['not there'],
];

describe('canonicalMembers and joinMembers', () => {
  for (const [name, value] of events) {
    it(`${name}: joining every member is canonicalJson`, () => {
      expect(joinMembers(canonicalMembers(value))).toBe(canonicalJson(value));
    });

    for (const omit of omits) {
      it(`${name}: leaving out [${omit.join(', ')}] is canonicalJson without them`, () => {
        expect(joinMembers(canonicalMembers(value), new Set(omit))).toBe(
          canonicalJson(without(value, omit)),
        );
      });
    }
  }

  it('reuses an encoding only for the very same value under the same key', () => {
    const shared = { x: [1, 2] };
    const original = canonicalMembers({ a: shared, b: 'old', c: 3 });
    // Same key, same object: reused; same key, another value: encoded afresh.
    const derived = canonicalMembers({ a: shared, b: 'new', d: 4 }, original);
    expect(derived.json).toEqual(['"a":{"x":[1,2]}', '"b":"new"', '"d":4']);
    expect(derived.json[0]).toBe(original.json[0]);
    // An equal but distinct object is encoded again, giving the same bytes.
    const copy = canonicalMembers({ a: { x: [1, 2] } }, original);
    expect(joinMembers(copy)).toBe('{"a":{"x":[1,2]}}');
  });

  it('refuses what canonicalJson refuses, with the same typed error', () => {
    for (const bad of [{ a: 1.5 }, { a: { b: 2 ** 53 } }, { a: new Date(0) }, { a: () => 1 }]) {
      expect(() => canonicalMembers(bad)).toThrow(
        expect.objectContaining({ errcode: 'M_BAD_JSON' }),
      );
      expect(() => canonicalJson(bad)).toThrow(expect.objectContaining({ errcode: 'M_BAD_JSON' }));
    }
  });

  it('matches canonicalJson on arbitrary JSON objects, refusals included', () => {
    const outcome = (encode: () => string) => {
      try {
        return encode();
      } catch (error) {
        return (error as { errcode?: string }).errcode ?? 'not typed';
      }
    };
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue()), (object) => {
        expect(outcome(() => joinMembers(canonicalMembers(object)))).toBe(
          outcome(() => canonicalJson(object)),
        );
      }),
    );
  });
});

describe('EventEncoding', () => {
  for (const [name, value] of events) {
    it(`${name}: byteLength is the UTF-8 length of the canonical JSON`, () => {
      expect(EventEncoding.of(value).byteLength()).toBe(canonicalJsonBytes(value).length);
    });

    for (const version of ['10', '11', '12'] as const) {
      it(`${name}: the v${version} redacted form, unsigned, encodes as canonicalJson`, () => {
        const redacted = redact(value, version);
        expect(
          EventEncoding.of(value).canonicalOf(redacted, new Set(['signatures', 'unsigned'])),
        ).toBe(canonicalJson(without(redacted, ['signatures', 'unsigned'])));
      });
    }

    it(`${name}: contentHashOf is contentHash`, () => {
      expect(contentHashOf(EventEncoding.of(value))).toBe(contentHash(value));
    });
  }
});

/** A PDU of exactly `bytes` bytes of canonical JSON, its body padded with `unit`. */
function pduOfSize(bytes: number, unit: string, unitBytes: number): JsonObject {
  const base = event({ content: { body: '' } });
  const room = bytes - canonicalJsonBytes(base).length;
  const body = unit.repeat(Math.floor(room / unitBytes)) + 'x'.repeat(room % unitBytes);
  return event({ content: { body } });
}

describe('validatePduEncoded', () => {
  // [unit, bytes it takes in canonical JSON]: the size counts UTF-8 bytes of the escaped text.
  const units: [string, number][] = [
    ['x', 1],
    ['é', 2],
    ['✓', 3],
    ['🐈', 4],
    ['\n', 2],
    ['\u0001', 6],
    ['"', 2],
  ];
  for (const [unit, bytes] of units) {
    it(`counts ${JSON.stringify(unit)} as ${bytes} bytes: ${MAX_PDU_BYTES} pass, one more fails`, () => {
      const fits = pduOfSize(MAX_PDU_BYTES, unit, bytes);
      expect(canonicalJsonBytes(fits).length).toBe(MAX_PDU_BYTES);
      const { pdu, encoding } = validatePduEncoded(fits, '11');
      expect(pdu).toBe(fits);
      expect(encoding.event).toBe(fits);
      expect(encoding.byteLength()).toBe(MAX_PDU_BYTES);
      const over = pduOfSize(MAX_PDU_BYTES + 1, unit, bytes);
      expect(() => validatePduEncoded(over, '11')).toThrow(
        expect.objectContaining({ errcode: 'M_TOO_LARGE' }),
      );
      expect(() => validatePdu(over, '11')).toThrow(
        expect.objectContaining({ errcode: 'M_TOO_LARGE' }),
      );
    });
  }
});

describe('verifyEvent with the encoding validatePduEncoded made', () => {
  const seed = new Uint8Array(32).fill(9);
  const keys = keyLookupFromMap({ 'a.example': { 'ed25519:k': publicKeyFromSeed(seed) } });
  const unsigned = (content: JsonObject, version: RoomVersionId, type: string): UnsignedPdu => ({
    type,
    room_id: version === '12' ? `!${'B'.repeat(43)}` : '!room:a.example',
    sender: '@u:a.example',
    content,
    auth_events: [eventId],
    prev_events: [eventId],
    depth: 3,
    origin_server_ts: 5,
  });

  async function signed(
    content: JsonObject,
    version: RoomVersionId,
    type = 'm.room.message',
  ): Promise<Pdu> {
    return signEvent(unsigned(content, version, type), version, 'a.example', 'ed25519:k', seed);
  }

  const cases: [name: string, make: (version: RoomVersionId) => Promise<Pdu>, status: string][] = [
    ['a good event', (v) => signed({ body: 'hi 🐈' }, v), 'valid'],
    [
      'tampered content (hash fails: redacted)',
      async (v) => ({ ...(await signed({ body: 'hi' }, v)), content: { body: 'bye' } }),
      'redacted',
    ],
    [
      'a tampered signed field (rejected)',
      async (v) => ({ ...(await signed({ body: 'hi' }, v)), depth: 4 }),
      'rejected',
    ],
    [
      'a member event (redaction keeps part of the content)',
      (v) => signed({ membership: 'join', displayname: 'U' }, v, 'm.room.member'),
      'valid',
    ],
  ];

  for (const version of ['10', '11', '12'] as const) {
    for (const [name, make, status] of cases) {
      it(`v${version}, ${name}: same outcome and event ID as without it`, async () => {
        const pdu = await make(version);
        const { encoding } = validatePduEncoded(pdu, version);
        const withEncoding = await verifyEvent(pdu, version, keys, { encoding });
        const plain = await verifyEvent(pdu, version, keys);
        expect(withEncoding.status).toBe(status);
        expect(withEncoding).toEqual(plain);
        expect(withEncoding.eventId).toBe(eventIdFor(pdu, version));
      });
    }
  }

  it("ignores an encoding of another event (it cannot stand for this one's bytes)", async () => {
    const pdu = await signed({ body: 'mine' }, '11');
    const other = EventEncoding.of((await signed({ body: 'other' }, '11')) as JsonObject);
    const result = await verifyEvent(pdu, '11', keys, { encoding: other });
    expect(result).toEqual({ status: 'valid', pdu, eventId: eventIdFor(pdu, '11') });
  });

  it('checks the redacted form when the full content cannot be encoded', async () => {
    const pdu = await signed({ body: 'hi' }, '11');
    const broken = { ...pdu, content: { body: 'hi', ratio: 0.5 } } as unknown as Pdu;
    const result = await verifyEvent(broken, '11', keys);
    expect(result).toMatchObject({ status: 'redacted', eventId: eventIdFor(pdu, '11') });
    expect(result.status === 'redacted' && result.reason).toMatch(/content not hashable/);
  });
});

describe('startVerifyEvent: what is known before WebCrypto answers', () => {
  const seed = new Uint8Array(32).fill(4);
  const keys = keyLookupFromMap({ 'c.example': { 'ed25519:k': publicKeyFromSeed(seed) } });
  const base: UnsignedPdu = {
    type: 'm.room.message',
    room_id: '!room:c.example',
    sender: '@u:c.example',
    content: { body: 'hello' },
    auth_events: [eventId],
    prev_events: [eventId],
    depth: 2,
    origin_server_ts: 9,
  };

  const cases: [name: string, make: (signed: Pdu) => Pdu, status: string, provisional: boolean][] =
    [
      ['a good event', (p) => p, 'valid', true],
      ['tampered content', (p) => ({ ...p, content: { body: 'bye' } }), 'redacted', true],
      ['a tampered signed field', (p) => ({ ...p, depth: 3 }), 'rejected', true],
      ['a sender that is no user ID', (p) => ({ ...p, sender: 'nobody' }), 'rejected', false],
    ];

  for (const [name, make, status, hasProvisional] of cases) {
    it(`${name}: the provisional form is what the result keeps`, async () => {
      const pdu = make(await signEvent(base, '11', 'c.example', 'ed25519:k', seed));
      const started = startVerifyEvent(pdu, '11', keys);
      const result = await started.result;
      expect(result.status).toBe(status);
      expect(started.provisional !== undefined).toBe(hasProvisional);
      expect(result).toEqual(await verifyEvent(pdu, '11', keys));
      if (result.status === 'valid' || result.status === 'redacted') {
        expect(started.provisional).toEqual({
          eventId: result.eventId,
          pdu: result.pdu,
          ...(result.status === 'redacted' ? { reason: result.reason } : {}),
        });
      }
      if (started.provisional !== undefined) {
        expect(started.provisional.eventId).toBe(eventIdFor(pdu, '11'));
      }
    });
  }

  it('a key lookup that throws rejects the result, as verifyEvent does', async () => {
    const pdu = await signEvent(base, '11', 'c.example', 'ed25519:k', seed);
    const failing = () => {
      throw new Error('key server down');
    };
    await expect(startVerifyEvent(pdu, '11', failing).result).rejects.toThrow('key server down');
    await expect(verifyEvent(pdu, '11', failing)).rejects.toThrow('key server down');
  });
});
