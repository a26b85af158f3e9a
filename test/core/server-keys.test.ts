import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../src/core/base64.js';
import { publicKeyFromSeed } from '../../src/core/crypto/ed25519.js';
import {
  addNotarySignature,
  buildServerKeys,
  MAX_KEY_VALIDITY_MS,
  type ServerKeysDoc,
  verifyServerKeys,
} from '../../src/core/server-keys.js';
import { signedBytes, signJson, verifyJson } from '../../src/core/signing.js';
import { readConformance } from '../helpers/conformance.js';

interface ServerKeysData {
  schema_summary: { required: string[] };
  server_key_example: ServerKeysDoc;
  notary_signed_example_after_ref_merge: ServerKeysDoc;
  real_verifiable_response: { response: ServerKeysDoc };
}

interface XMatrixData {
  gomatrixserverlib_worked_examples: { signing_key: { seed_base64: string } };
}

const data = readConformance<ServerKeysData>('spec/server_keys_examples.json');
const realSeed = decodeBase64(
  readConformance<XMatrixData>('spec/x_matrix_auth.json').gomatrixserverlib_worked_examples
    .signing_key.seed_base64,
);
const real = data.real_verifiable_response.response;
/** gomatrixserverlib's test checks the real response at this instant. */
const REAL_CHECK_MS = 1_493_142_432_000;

const seedA = new Uint8Array(32).fill(1);
const seedB = new Uint8Array(32).fill(2);
const notarySeed = new Uint8Array(32).fill(3);
const NOW = 1_700_000_000_000;
const HOUR = 60 * 60 * 1000;

describe('server keys: the real gomatrixserverlib response', () => {
  it('verifies at the instant gomatrixserverlib checks it', async () => {
    const result = await verifyServerKeys(real, 'localhost:8800', REAL_CHECK_MS);
    expect(result).toEqual({
      ok: true,
      keys: [
        {
          keyId: 'ed25519:a_Obwu',
          publicKey: decodeBase64('2UwTWD4+tgTgENV7znGGNqhAOGY+BW1mRAnC6W6FBQg'),
          publicKeyBase64: '2UwTWD4+tgTgENV7znGGNqhAOGY+BW1mRAnC6W6FBQg',
          validUntilTs: 1_493_142_432_964,
        },
        {
          keyId: 'ed25519:old',
          publicKey: decodeBase64('O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik'),
          publicKeyBase64: 'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik',
          expiredTs: 929_059_200,
        },
      ],
    });
  });

  it('reproduces its self-signature byte for byte from the seed', async () => {
    const { signatures: _signatures, ...unsigned } = real;
    const signed = await signJson(unsigned, 'localhost:8800', 'ed25519:a_Obwu', realSeed);
    expect(signed.signatures).toEqual(real.signatures);
    expect(encodeBase64(publicKeyFromSeed(realSeed))).toBe(real.verify_keys['ed25519:a_Obwu']?.key);
  });

  it('is expired today', async () => {
    const result = await verifyServerKeys(real, 'localhost:8800');
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/expired/) });
    // valid_until_ts itself is the first instant it is no longer valid.
    const edge = await verifyServerKeys(real, 'localhost:8800', real.valid_until_ts);
    expect(edge.ok).toBe(false);
  });

  it('keeps the legacy tls_fingerprints field under the signature', async () => {
    expect(real).toHaveProperty('tls_fingerprints');
    const changed = { ...real, tls_fingerprints: [{ sha256: 'AAAA' }] };
    const result = await verifyServerKeys(changed, 'localhost:8800', REAL_CHECK_MS);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/not signed/) });
  });

  it('is refused for any other server name', async () => {
    const result = await verifyServerKeys(real, 'localhost:8801', REAL_CHECK_MS);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/server_name/) });
  });
});

describe('server keys: the spec examples (shape only, fake keys and signatures)', () => {
  const examples = {
    'server_key.json': data.server_key_example,
    'server_key_notary_signed.json': data.notary_signed_example_after_ref_merge,
  };

  for (const [name, example] of Object.entries(examples)) {
    it(`${name} has the documented shape`, () => {
      for (const field of data.schema_summary.required) expect(example).toHaveProperty(field);
      expect(example.server_name).toBe('example.org');
      expect(Number.isSafeInteger(example.valid_until_ts)).toBe(true);
      for (const [keyId, entry] of Object.entries(example.verify_keys)) {
        expect(keyId).toMatch(/^ed25519:[a-zA-Z0-9_]+$/);
        expect(() => decodeBase64(entry.key)).not.toThrow();
      }
      for (const [keyId, entry] of Object.entries(example.old_verify_keys)) {
        expect(keyId).toMatch(/^ed25519:[a-zA-Z0-9_]+$/);
        expect(Number.isSafeInteger(entry.expired_ts)).toBe(true);
        expect(() => decodeBase64(entry.key)).not.toThrow();
      }
      for (const keys of Object.values(example.signatures)) {
        for (const sig of Object.values(keys)) expect(() => decodeBase64(sig)).not.toThrow();
      }
    });

    it(`${name} is reported invalid, not thrown on`, async () => {
      // Before its valid_until_ts, so the failure is the fake key and signature.
      const result = await verifyServerKeys(example, 'example.org', 1_600_000_000_000);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).not.toMatch(/expired/);
    });
  }

  it('the notary example carries the notary signature beside the origin one', () => {
    expect(Object.keys(data.notary_signed_example_after_ref_merge.signatures).sort()).toEqual([
      'example.org',
      'notary.server.com',
    ]);
  });
});

describe('buildServerKeys', () => {
  it('builds a document signed by every current key, which verifies', async () => {
    const oldKey = publicKeyFromSeed(new Uint8Array(32).fill(9));
    const doc = await buildServerKeys({
      serverName: 'a.example',
      keys: [
        { keyId: 'ed25519:one', seed: seedA },
        { keyId: 'ed25519:two', seed: seedB },
      ],
      oldVerifyKeys: [{ keyId: 'ed25519:old', key: oldKey, expiredTs: NOW - HOUR }],
      validUntilTs: NOW + HOUR,
    });
    expect(doc).toEqual({
      server_name: 'a.example',
      verify_keys: {
        'ed25519:one': { key: encodeBase64(publicKeyFromSeed(seedA)) },
        'ed25519:two': { key: encodeBase64(publicKeyFromSeed(seedB)) },
      },
      old_verify_keys: { 'ed25519:old': { key: encodeBase64(oldKey), expired_ts: NOW - HOUR } },
      valid_until_ts: NOW + HOUR,
      signatures: {
        'a.example': { 'ed25519:one': expect.any(String), 'ed25519:two': expect.any(String) },
      },
    });
    const result = await verifyServerKeys(doc, 'a.example', NOW);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.keys.map((k) => [k.keyId, k.validUntilTs, k.expiredTs])).toEqual([
        ['ed25519:one', NOW + HOUR, undefined],
        ['ed25519:two', NOW + HOUR, undefined],
        ['ed25519:old', undefined, NOW - HOUR],
      ]);
    }
  });

  it('takes an old key as base64 too', async () => {
    const oldKey = encodeBase64(publicKeyFromSeed(seedB));
    const doc = await buildServerKeys({
      serverName: 'a.example',
      keys: [{ keyId: 'ed25519:one', seed: seedA }],
      oldVerifyKeys: [{ keyId: 'ed25519:b', key: oldKey, expiredTs: 5 }],
      validUntilTs: NOW,
    });
    expect(doc.old_verify_keys).toEqual({ 'ed25519:b': { key: oldKey, expired_ts: 5 } });
  });

  it('refuses bad input', async () => {
    const base = {
      serverName: 'a.example',
      keys: [{ keyId: 'ed25519:one', seed: seedA }],
      validUntilTs: NOW,
    };
    for (const bad of [
      { ...base, serverName: '' },
      { ...base, keys: [] },
      { ...base, validUntilTs: 1.5 },
      { ...base, keys: [{ keyId: 'ed25519:bad-id', seed: seedA }] },
      { ...base, keys: [{ keyId: 'curve25519:one', seed: seedA }] },
      { ...base, keys: [{ keyId: 'ed25519:one', seed: new Uint8Array(8) }] },
      { ...base, keys: [...base.keys, { keyId: 'ed25519:one', seed: seedB }] },
      {
        ...base,
        oldVerifyKeys: [{ keyId: 'ed25519:one', key: new Uint8Array(32), expiredTs: 1 }],
      },
      { ...base, oldVerifyKeys: [{ keyId: 'ed25519:o', key: new Uint8Array(31), expiredTs: 1 }] },
      { ...base, oldVerifyKeys: [{ keyId: 'ed25519:o', key: new Uint8Array(32), expiredTs: -1 }] },
    ]) {
      await expect(buildServerKeys(bad)).rejects.toMatchObject({ name: 'InvalidInputError' });
    }
  });
});

describe('verifyServerKeys', () => {
  async function twoKeyDoc(validUntilTs = NOW + HOUR): Promise<ServerKeysDoc> {
    return buildServerKeys({
      serverName: 'a.example',
      keys: [
        { keyId: 'ed25519:one', seed: seedA },
        { keyId: 'ed25519:two', seed: seedB },
      ],
      validUntilTs,
    });
  }

  it('requires a signature by every listed current key', async () => {
    const doc = await twoKeyDoc();
    const { 'ed25519:two': _two, ...onlyOne } = doc.signatures['a.example'] ?? {};
    const result = await verifyServerKeys(
      { ...doc, signatures: { 'a.example': onlyOne } },
      'a.example',
      NOW,
    );
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/ed25519:two/) });
  });

  it('refuses a key listed without its owner signing with it', async () => {
    const doc = await twoKeyDoc();
    const injected = {
      ...doc,
      verify_keys: {
        ...doc.verify_keys,
        'ed25519:evil': { key: encodeBase64(new Uint8Array(32)) },
      },
    };
    expect((await verifyServerKeys(injected, 'a.example', NOW)).ok).toBe(false);
  });

  it('ignores signatures by other servers and by unlisted keys', async () => {
    let doc = await twoKeyDoc();
    doc = await signJson(doc, 'a.example', 'ed25519:unlisted', notarySeed);
    doc = await signJson(doc, 'someone.else', 'ed25519:x', notarySeed);
    expect((await verifyServerKeys(doc, 'a.example', NOW)).ok).toBe(true);
  });

  it('caps validity at 7 days from now', async () => {
    const doc = await twoKeyDoc(NOW + 365 * 24 * HOUR);
    const result = await verifyServerKeys(doc, 'a.example', NOW);
    expect(result.ok && result.keys.map((k) => k.validUntilTs)).toEqual([
      NOW + MAX_KEY_VALIDITY_MS,
      NOW + MAX_KEY_VALIDITY_MS,
    ]);
  });

  it('reports an expired document', async () => {
    const doc = await twoKeyDoc(NOW - 1);
    expect(await verifyServerKeys(doc, 'a.example', NOW)).toEqual({
      ok: false,
      reason: expect.stringMatching(/expired/),
    });
  });

  it('skips keys of other algorithms but needs one ed25519 key', async () => {
    const doc = await twoKeyDoc();
    const withOther = await buildServerKeys({
      serverName: 'a.example',
      keys: [{ keyId: 'ed25519:one', seed: seedA }],
      validUntilTs: NOW + HOUR,
    });
    // A future algorithm's key, signed over like the rest: left out of the result.
    const { signatures: _s, ...body } = withOther;
    const extended = await signJson(
      { ...body, verify_keys: { ...body.verify_keys, 'future:1': { key: 'AAAA' } } },
      'a.example',
      'ed25519:one',
      seedA,
    );
    const result = await verifyServerKeys(extended, 'a.example', NOW);
    expect(result.ok && result.keys.map((k) => k.keyId)).toEqual(['ed25519:one']);
    const none = { ...doc, verify_keys: {} };
    expect(await verifyServerKeys(none, 'a.example', NOW)).toEqual({
      ok: false,
      reason: expect.stringMatching(/no ed25519 key/),
    });
  });

  it('reports any malformed input instead of throwing', async () => {
    const doc = await twoKeyDoc();
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 10_000; i++) {
      const next: Record<string, unknown> = {};
      cursor.a = next;
      cursor = next;
    }
    const bad: unknown[] = [
      null,
      'keys',
      [],
      42,
      {},
      { ...doc, server_name: 7 },
      { ...doc, valid_until_ts: '1' },
      { ...doc, valid_until_ts: NOW + 0.5 },
      { ...doc, verify_keys: null },
      { ...doc, verify_keys: [] },
      { ...doc, verify_keys: { 'ed25519:one': 'key' } },
      { ...doc, verify_keys: { 'ed25519:one': { key: 'not base64!' } } },
      { ...doc, verify_keys: { 'ed25519:one': { key: 'AAAA' } } },
      { ...doc, verify_keys: { 'ed25519:bad-id': { key: 'AAAA' } } },
      { ...doc, old_verify_keys: 'x' },
      { ...doc, old_verify_keys: { 'ed25519:o': { key: 'AAAA', expired_ts: 1 } } },
      { ...doc, old_verify_keys: { 'ed25519:o': { key: doc.verify_keys['ed25519:one']?.key } } },
      { ...doc, old_verify_keys: { 'ed25519:one': doc.verify_keys['ed25519:one'] } },
      { ...doc, signatures: null },
      { ...doc, signatures: 'sig' },
      { ...doc, signatures: { 'a.example': 'sig' } },
      { ...doc, extra: 0.5 },
      { ...doc, extra: deep },
    ];
    for (const [i, input] of bad.entries()) {
      const result = await verifyServerKeys(input, 'a.example', NOW);
      expect(result.ok, `bad input #${i}`).toBe(false);
    }
  });
});

describe('addNotarySignature', () => {
  it('adds the notary signature over the whole response, keeping the origin one', async () => {
    const doc = await buildServerKeys({
      serverName: 'a.example',
      keys: [{ keyId: 'ed25519:one', seed: seedA }],
      validUntilTs: NOW + HOUR,
    });
    const before = structuredClone(doc);
    const notarised = await addNotarySignature(doc, 'notary.example', 'ed25519:n', notarySeed);
    expect(doc).toEqual(before);
    expect(notarised.signatures['a.example']).toEqual(doc.signatures['a.example']);
    expect(Object.keys(notarised.signatures).sort()).toEqual(['a.example', 'notary.example']);
    // It signs what the origin signed: the document without its signatures.
    expect(signedBytes(notarised)).toEqual(signedBytes(doc));
    const notaryKey = publicKeyFromSeed(notarySeed);
    expect(await verifyJson(notarised, 'notary.example', 'ed25519:n', notaryKey)).toBe(true);
    // The origin's own check still passes on the notarised copy.
    expect((await verifyServerKeys(notarised, 'a.example', NOW)).ok).toBe(true);
  });

  it('notarises the real response, which still verifies for its origin', async () => {
    const notarised = await addNotarySignature(real, 'notary.example', 'ed25519:n', notarySeed);
    expect(notarised.signatures['localhost:8800']).toEqual(real.signatures['localhost:8800']);
    const notaryKey = publicKeyFromSeed(notarySeed);
    expect(await verifyJson(notarised, 'notary.example', 'ed25519:n', notaryKey)).toBe(true);
    expect((await verifyServerKeys(notarised, 'localhost:8800', REAL_CHECK_MS)).ok).toBe(true);
  });

  it('refuses a bad notary key ID or name', async () => {
    await expect(addNotarySignature(real, 'n.example', 'bad', notarySeed)).rejects.toMatchObject({
      name: 'InvalidInputError',
    });
    await expect(addNotarySignature(real, '', 'ed25519:n', notarySeed)).rejects.toMatchObject({
      name: 'InvalidInputError',
    });
  });
});
