import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../src/core/base64.js';
import {
  ed25519Sign,
  ed25519SignNoble,
  ed25519Verify,
  ed25519VerifyNoble,
  publicKeyFromSeed,
} from '../../src/core/crypto/ed25519.js';
import type { Signatures } from '../../src/core/pdu.js';
import { type Signable, signedBytes, signJson, verifyJson } from '../../src/core/signing.js';
import { readConformance } from '../helpers/conformance.js';

interface SigningVectors {
  signing_key: {
    seed_base64: string;
    server_name: string;
    key_id: string;
    derived_public_key_base64: string;
  };
  vectors: {
    name: string;
    input: Signable;
    expected_signed: Signable & { signatures: Signatures };
    signed_bytes: string;
  }[];
  signing_details_example: { object: Signable & { signatures: Signatures } };
}

const data = readConformance<SigningVectors>('spec/signing_json.json');
const { server_name: server, key_id: keyId } = data.signing_key;
const seed = decodeBase64(data.signing_key.seed_base64);
const publicKey = decodeBase64(data.signing_key.derived_public_key_base64);
const utf8 = new TextEncoder();
const decoder = new TextDecoder();

describe('Signing JSON: the spec test key', () => {
  it('is a 32-byte seed whose public key is the derived one', () => {
    expect(seed).toHaveLength(32);
    expect(encodeBase64(publicKeyFromSeed(seed))).toBe(data.signing_key.derived_public_key_base64);
  });
});

describe('Signing JSON: the spec vectors', () => {
  it('has both vectors', () => {
    expect(data.vectors.map((v) => v.name)).toEqual(['empty object', 'one/two object']);
  });

  for (const vector of data.vectors) {
    describe(vector.name, () => {
      const expectedSig = vector.expected_signed.signatures[server]?.[keyId];

      it('signs exactly the expected bytes', () => {
        expect(decoder.decode(signedBytes(vector.input))).toBe(vector.signed_bytes);
        // The signed copy covers the same bytes: signatures are left out.
        expect(decoder.decode(signedBytes(vector.expected_signed))).toBe(vector.signed_bytes);
      });

      it('reproduces the signature byte for byte', async () => {
        const signed = await signJson(vector.input, server, keyId, seed);
        expect(signed).toEqual(vector.expected_signed);
        expect(signed.signatures?.[server]?.[keyId]).toBe(expectedSig);
      });

      it('reproduces it with the pure-JS signer too', () => {
        const signature = ed25519SignNoble(utf8.encode(vector.signed_bytes), seed);
        expect(encodeBase64(signature)).toBe(expectedSig);
      });

      it('verifies, with WebCrypto and with the pure-JS verifier', async () => {
        expect(await verifyJson(vector.expected_signed, server, keyId, publicKey)).toBe(true);
        const signature = decodeBase64(expectedSig!);
        const message = utf8.encode(vector.signed_bytes);
        expect(await ed25519Verify(signature, message, publicKey)).toBe(true);
        expect(ed25519VerifyNoble(signature, message, publicKey)).toBe(true);
      });

      it('does not verify once changed', async () => {
        const tampered = { ...vector.expected_signed, extra: 1 };
        expect(await verifyJson(tampered, server, keyId, publicKey)).toBe(false);
      });

      it('does not verify under another key, key ID or server name', async () => {
        const otherKey = publicKeyFromSeed(new Uint8Array(32).fill(7));
        expect(await verifyJson(vector.expected_signed, server, keyId, otherKey)).toBe(false);
        expect(await verifyJson(vector.expected_signed, server, 'ed25519:2', publicKey)).toBe(
          false,
        );
        expect(await verifyJson(vector.expected_signed, 'other', keyId, publicKey)).toBe(false);
      });
    });
  }
});

describe('Signing JSON: the signing-details illustration', () => {
  const { object } = data.signing_details_example;

  it('leaves unsigned and signatures out of the signed bytes', () => {
    expect(decoder.decode(signedBytes(object))).toBe(
      '{"name":"example.org","signing_keys":{"ed25519:1":"XSl0kuyvrXNj6A+7/tkrB9sxSbRi08Of5uRhxOqZtEQ"}}',
    );
  });

  it('carries a well-formed 64-byte signature (its key is not given, so no more can be checked)', async () => {
    const sig = object.signatures['example.org']?.['ed25519:1'];
    expect(decodeBase64(sig!)).toHaveLength(64);
    // The key it lists is not the one that signed (that would be a self-signed
    // key document, and it is not): it does not verify, and that is reported
    // as false, not thrown.
    const listedKey = decodeBase64('XSl0kuyvrXNj6A+7/tkrB9sxSbRi08Of5uRhxOqZtEQ');
    expect(await verifyJson(object, 'example.org', 'ed25519:1', listedKey)).toBe(false);
  });
});

describe('signJson and verifyJson', () => {
  it('keeps signatures already there and does not change its input', async () => {
    const signatures: Signatures = { other: { 'ed25519:x': 'c2ln' } };
    signatures[server] = { 'ed25519:0': 'b2xk' };
    const input: Signable = { a: 1, signatures };
    const before = structuredClone(input);
    const signed = await signJson(input, server, keyId, seed);
    expect(input).toEqual(before);
    expect(signed.signatures).toMatchObject({
      other: { 'ed25519:x': 'c2ln' },
      [server]: { 'ed25519:0': 'b2xk' },
    });
    expect(await verifyJson(signed, server, keyId, publicKey)).toBe(true);
  });

  it('ignores unsigned, so it may change after signing', async () => {
    const signed = await signJson({ a: 1, unsigned: { age: 1 } }, server, keyId, seed);
    const aged = { ...signed, unsigned: { age: 99, more: true } };
    expect(await verifyJson(aged, server, keyId, publicKey)).toBe(true);
    const { unsigned: _unsigned, ...bare } = signed;
    expect(await verifyJson(bare, server, keyId, publicKey)).toBe(true);
  });

  it('reports missing or malformed signatures as false, not errors', async () => {
    const signed = await signJson<Signable>({ a: 1 }, server, keyId, seed);
    const sig = signed.signatures?.[server]?.[keyId] ?? '';
    const variants: Signable[] = [
      { a: 1 },
      { a: 1, signatures: {} },
      { a: 1, signatures: { [server]: {} } },
      { a: 1, signatures: { [server]: { [keyId]: '!!not base64!!' } } },
      { a: 1, signatures: { [server]: { [keyId]: sig.slice(0, 40) } } },
      { a: 1, signatures: { [server]: { [keyId]: `${sig}AAAA` } } },
      { a: 1.5, signatures: signed.signatures },
    ];
    for (const variant of variants) {
      expect(await verifyJson(variant, server, keyId, publicKey)).toBe(false);
    }
    expect(await verifyJson(signed, server, keyId, new Uint8Array(31))).toBe(false);
  });

  it('refuses to sign what is not a JSON object, or holds what canonical JSON cannot', async () => {
    await expect(signJson([] as unknown as Signable, server, keyId, seed)).rejects.toMatchObject({
      name: 'InvalidInputError',
    });
    await expect(signJson({ a: 0.5 }, server, keyId, seed)).rejects.toMatchObject({
      name: 'CanonicalJsonError',
      errcode: 'M_BAD_JSON',
    });
    await expect(signJson({ a: 1 }, server, keyId, new Uint8Array(16))).rejects.toMatchObject({
      name: 'InvalidInputError',
    });
  });

  it('signs deterministically, identically with WebCrypto and pure JS, and verifies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.maxSafeInteger(), fc.boolean())),
        async (keySeed, object) => {
          const signed = await signJson<Signable>(object, 'example.org', 'ed25519:k', keySeed);
          const sig = signed.signatures?.['example.org']?.['ed25519:k'];
          expect(sig).toBe(encodeBase64(ed25519SignNoble(signedBytes(object), keySeed)));
          const key = publicKeyFromSeed(keySeed);
          expect(await verifyJson(signed, 'example.org', 'ed25519:k', key)).toBe(true);
          expect(await ed25519Sign(signedBytes(object), keySeed)).toEqual(decodeBase64(sig ?? ''));
        },
      ),
      { numRuns: 50 },
    );
  });
});
