import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/core/canonical-json.js';
import { publicKeyFromSeed } from '../../../src/core/crypto/ed25519.js';
import { eventIdFor } from '../../../src/core/event-hashes.js';
import { keyLookupFromMap, signEvent, verifyEvent } from '../../../src/core/event-signing.js';
import type { JsonObject, JsonValue } from '../../../src/core/json.js';
import type { Pdu, UnsignedPdu } from '../../../src/core/pdu.js';
import { redact } from '../../../src/core/redaction.js';
import type { RoomVersionId } from '../../../src/core/room-versions.js';
import { validatePdu } from '../../../src/core/validate-pdu.js';

const versions: RoomVersionId[] = ['10', '11', '12'];
const seed = new Uint8Array(32).fill(7);
const server = 'a.example';
const keyId = 'ed25519:p';
const keys = keyLookupFromMap({ [server]: { [keyId]: publicKeyFromSeed(seed) } });

const specialTypes = [
  'm.room.member',
  'm.room.create',
  'm.room.join_rules',
  'm.room.power_levels',
  'm.room.history_visibility',
  'm.room.redaction',
  'm.room.aliases',
  'm.room.message',
  'm.room.topic',
];

const specialContentKeys = [
  'membership',
  'join_authorised_via_users_server',
  'third_party_invite',
  'creator',
  'room_version',
  'join_rule',
  'allow',
  'ban',
  'events',
  'events_default',
  'invite',
  'kick',
  'redact',
  'state_default',
  'users',
  'users_default',
  'history_visibility',
  'redacts',
  'aliases',
  'body',
];

/** JSON values canonical JSON can hold: no floats, integers within ±(2^53 − 1). */
const { json } = fc.letrec<{ json: JsonValue }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string(),
    fc.maxSafeInteger(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('json'), { maxKeys: 4 }),
  ),
}));

const contentKey = fc.oneof(fc.constantFrom(...specialContentKeys), fc.string({ maxLength: 8 }));

const thirdPartyInvite = fc.record(
  { signed: json, display_name: fc.string() },
  { requiredKeys: [] },
);

const content: fc.Arbitrary<JsonObject> = fc
  .tuple(
    fc.dictionary(contentKey, json, { maxKeys: 8 }),
    fc.option(thirdPartyInvite, { nil: undefined }),
  )
  .map(([dict, invite]) => (invite === undefined ? dict : { ...dict, third_party_invite: invite }));

const eventType = fc.oneof(fc.constantFrom(...specialTypes), fc.string({ maxLength: 12 }));

/** Arbitrary event-like objects: typed or not, with or without content, legacy top-level keys. */
const looseEvent: fc.Arbitrary<JsonObject> = fc
  .tuple(
    fc.record(
      {
        type: eventType,
        content: fc.oneof(content, json),
        sender: fc.string(),
        room_id: fc.string(),
        state_key: fc.string(),
        origin: fc.string(),
        membership: fc.string(),
        prev_state: json,
        redacts: fc.string(),
        depth: fc.maxSafeNat(),
        hashes: fc.record({ sha256: fc.string() }),
        signatures: fc.dictionary(fc.string(), fc.dictionary(fc.string(), fc.string())),
        unsigned: fc.dictionary(fc.string(), json),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 3 }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }) as JsonObject);

const eventId = fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((hash) => `$${hash}`);

/** Well-formed unsigned PDUs sent by a user of `a.example`. */
function unsignedPdu(version: RoomVersionId): fc.Arbitrary<UnsignedPdu> {
  return fc
    .record({
      type: eventType,
      state_key: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      content,
      prev_events: fc.array(eventId, { maxLength: 3 }),
      auth_events: fc.array(eventId, { maxLength: 3 }),
      depth: fc.nat({ max: 1_000_000 }),
      origin_server_ts: fc.nat(),
      unsigned: fc.option(fc.dictionary(fc.string(), json, { maxKeys: 2 }), { nil: undefined }),
    })
    .map((fields) => {
      const pdu: UnsignedPdu = {
        ...fields,
        sender: '@user:a.example',
        room_id: version === '12' ? `!${'R'.repeat(43)}` : '!room:a.example',
      };
      // A version 12 create event has no room_id.
      if (version === '12' && pdu.type === 'm.room.create') delete pdu.room_id;
      for (const key of ['state_key', 'unsigned'] as const) {
        if (pdu[key] === undefined) delete pdu[key];
      }
      return pdu;
    });
}

const version = fc.constantFrom(...versions);

describe('redaction properties', () => {
  it('is idempotent for any event of any type, in every version', () => {
    fc.assert(
      fc.property(looseEvent, version, (event, v) => {
        const once = redact(event, v);
        const twice = redact(once, v);
        expect(canonicalJson(twice)).toBe(canonicalJson(once));
        expect(twice).toEqual(once);
      }),
      { numRuns: 500 },
    );
  });

  it('always gives a content object, never unsigned', () => {
    fc.assert(
      fc.property(looseEvent, version, (event, v) => {
        const redacted = redact(event, v);
        expect(typeof redacted.content === 'object' && !Array.isArray(redacted.content)).toBe(true);
        expect(redacted.content).not.toBeNull();
        expect(Object.hasOwn(redacted, 'unsigned')).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('does not change the event ID', () => {
    fc.assert(
      fc.property(
        version.chain((v) => fc.tuple(fc.constant(v), unsignedPdu(v))),
        ([v, pdu]) => {
          const hashed = { ...pdu, hashes: { sha256: 'x' } };
          expect(eventIdFor(redact(hashed, v), v)).toBe(eventIdFor(hashed, v));
        },
      ),
      { numRuns: 200 },
    );
  });
});

type Mutation =
  | { kind: 'content'; key: string; value: JsonValue }
  | { kind: 'deleteContent'; key: string }
  | { kind: 'field'; field: SignedField; value: JsonValue }
  | { kind: 'unsigned'; value: JsonObject };

const signedFields = [
  'type',
  'sender',
  'room_id',
  'state_key',
  'depth',
  'origin_server_ts',
  'prev_events',
  'auth_events',
  'hashes',
] as const;
type SignedField = (typeof signedFields)[number];

const fieldValue: Record<SignedField, fc.Arbitrary<JsonValue>> = {
  type: eventType,
  sender: fc.constantFrom('@user2:a.example', '@user:b.example', '@User:a.example'),
  room_id: fc.constantFrom('!other:a.example', `!${'S'.repeat(43)}`),
  state_key: fc.string({ maxLength: 5 }),
  depth: fc.nat(),
  origin_server_ts: fc.nat(),
  prev_events: fc.array(eventId, { maxLength: 2 }),
  auth_events: fc.array(eventId, { maxLength: 2 }),
  hashes: fc.string().map((sha256) => ({ sha256 })),
};

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('content' as const), key: contentKey, value: json }),
  fc.record({ kind: fc.constant('deleteContent' as const), key: contentKey }),
  fc
    .constantFrom(...signedFields)
    .chain((field) => fieldValue[field].map((value) => ({ kind: 'field' as const, field, value }))),
  fc.record({
    kind: fc.constant('unsigned' as const),
    value: fc.dictionary(fc.string(), json, { maxKeys: 2 }),
  }),
);

function apply(signed: Pdu, m: Mutation): Pdu {
  switch (m.kind) {
    case 'content':
      return { ...signed, content: { ...signed.content, [m.key]: m.value } };
    case 'deleteContent': {
      const content = { ...signed.content };
      delete content[m.key];
      return { ...signed, content };
    }
    case 'field':
      return { ...signed, [m.field]: m.value } as Pdu;
    case 'unsigned':
      return { ...signed, unsigned: m.value };
  }
}

/** The event as hashes and signatures see it (no unsigned). */
function covered(pdu: Pdu): string {
  const { unsigned: _u, ...rest } = pdu;
  return canonicalJson(rest);
}

describe('signing properties', () => {
  it('a signed event verifies as valid and passes validatePdu', async () => {
    await fc.assert(
      fc.asyncProperty(
        version.chain((v) => fc.tuple(fc.constant(v), unsignedPdu(v))),
        async ([v, pdu]) => {
          const signed = await signEvent(pdu, v, server, keyId, seed);
          expect(await verifyEvent(signed, v, keys)).toEqual({
            status: 'valid',
            pdu: signed,
            eventId: eventIdFor(signed, v),
          });
          expect(validatePdu(signed, v)).toBe(signed);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('any mutation of a signed field makes the event not valid', async () => {
    await fc.assert(
      fc.asyncProperty(
        version.chain((v) => fc.tuple(fc.constant(v), unsignedPdu(v), mutation)),
        async ([v, pdu, m]) => {
          const signed = await signEvent(pdu, v, server, keyId, seed);
          const mutated = apply(signed, m);
          fc.pre(covered(mutated) !== covered(signed) || m.kind === 'unsigned');
          const result = await verifyEvent(mutated, v, keys);

          if (m.kind === 'unsigned') {
            // Not covered by hash or signature.
            expect(result.status).toBe('valid');
          } else if (m.kind === 'field') {
            // Every signed top-level field survives redaction, so the signature breaks.
            expect(result.status).toBe('rejected');
          } else if (canonicalJson(redact(mutated, v)) === canonicalJson(redact(signed, v))) {
            // Content the redaction drops: signature fine, hash not: keep the redacted form,
            // with its signature unchanged.
            expect(result).toMatchObject({ status: 'redacted' });
            if (result.status === 'redacted') {
              expect(result.pdu).toEqual(redact(signed, v));
              expect(result.pdu.signatures).toEqual(signed.signatures);
            }
          } else {
            // Content the redaction keeps is under the signature.
            expect(result.status).toBe('rejected');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
