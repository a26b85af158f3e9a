import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../../src/core/base64.js';
import { canonicalJson } from '../../../src/core/canonical-json.js';
import { contentHash, eventIdFor } from '../../../src/core/event-hashes.js';
import {
  keyLookupFromMap,
  signEvent,
  verifyEvent,
  verifyEventSignature,
} from '../../../src/core/event-signing.js';
import type { JsonObject } from '../../../src/core/json.js';
import type { Pdu, UnsignedPdu } from '../../../src/core/pdu.js';
import { readConformance } from '../../helpers/conformance.js';

/**
 * The spec's event signing vectors (appendices, "Cryptographic Test Vectors >
 * Event Signing"). They were made with the redaction algorithm of room
 * versions 1–10 (top-level `origin` survives redaction), which is our room
 * version 10 algorithm: both events are of types (`X`, `m.room.message`) whose
 * content no version keeps, so versions 1–10 redact them identically. The
 * collector's derived v11 signatures check our version 11 (and 12) algorithm.
 */

interface SpecEventSigning {
  signing_key: {
    seed_base64: string;
    server_name: string;
    key_id: string;
    derived_public_key_base64: string;
  };
  vectors: { name: string; input: JsonObject; expected_signed: JsonObject }[];
  derived_values: {
    minimal_event: {
      signature_if_v11_redaction: string;
      reference_hash_event_id_v4plus_format_with_v1_to_v10_redaction: string;
    };
    redactable_event: { signature_if_v11_redaction: string };
  };
}

const data = readConformance<SpecEventSigning>('spec/event_signing.json');
const { server_name: server, key_id: keyId } = data.signing_key;
const seed = decodeBase64(data.signing_key.seed_base64);
const publicKey = decodeBase64(data.signing_key.derived_public_key_base64);
const keys = keyLookupFromMap({ [server]: { [keyId]: publicKey } });

const [minimal, redactable] = data.vectors;
if (!minimal || !redactable) throw new Error('spec/event_signing.json lost a vector');
const v11Signatures = [
  data.derived_values.minimal_event.signature_if_v11_redaction,
  data.derived_values.redactable_event.signature_if_v11_redaction,
];

describe('spec event signing vectors (room version 10 redaction)', () => {
  it('has the two vectors', () => {
    expect(data.vectors.map((v) => v.name)).toEqual([
      'minimal event',
      'event with redactable content',
    ]);
  });

  for (const vector of data.vectors) {
    describe(vector.name, () => {
      const expected = vector.expected_signed as unknown as Pdu;

      it('computes the content hash', () => {
        expect(contentHash(vector.input)).toBe(expected.hashes.sha256);
      });

      it('signs byte for byte as the spec does', async () => {
        const signed = await signEvent(
          vector.input as unknown as UnsignedPdu,
          '10',
          server,
          keyId,
          seed,
        );
        expect(canonicalJson(signed)).toBe(canonicalJson(expected));
        expect(signed).toEqual(expected);
      });

      it('verifies as valid', async () => {
        const result = await verifyEvent(expected, '10', keys);
        expect(result).toEqual({
          status: 'valid',
          pdu: expected,
          eventId: eventIdFor(expected, '10'),
        });
      });

      it('does not verify under the v11 algorithm (origin is not covered there)', async () => {
        expect(await verifyEventSignature(expected, '11', server, keyId, publicKey)).toBe(false);
        const result = await verifyEvent(expected, '11', keys);
        expect(result.status).toBe('rejected');
      });
    });
  }

  it('keeps the signature when the message body is redacted; the hash then fails', async () => {
    const expected = redactable.expected_signed as unknown as Pdu;
    const stripped = { ...expected, content: {} };
    expect(await verifyEventSignature(stripped, '10', server, keyId, publicKey)).toBe(true);
    const result = await verifyEvent(stripped, '10', keys);
    expect(result.status).toBe('redacted');
  });

  it('gives the derived event ID of the minimal event (reference hash, v10 redaction)', () => {
    expect(eventIdFor(minimal.expected_signed, '10')).toBe(
      data.derived_values.minimal_event
        .reference_hash_event_id_v4plus_format_with_v1_to_v10_redaction,
    );
  });
});

describe('spec event signing vectors, derived v11 signatures', () => {
  for (const version of ['11', '12'] as const) {
    data.vectors.forEach((vector, i) => {
      it(`${vector.name}: room version ${version} signs as derived`, async () => {
        const signed = await signEvent(
          vector.input as unknown as UnsignedPdu,
          version,
          server,
          keyId,
          seed,
        );
        expect(signed.signatures?.[server]?.[keyId]).toBe(v11Signatures[i]);
        expect(signed.hashes.sha256).toBe((vector.expected_signed as unknown as Pdu).hashes.sha256);
        expect(await verifyEvent(signed, version, keys)).toEqual({
          status: 'valid',
          pdu: signed,
          eventId: eventIdFor(signed, version),
        });
        // ...and the v10 signature does not hold under v11 rules, nor the reverse.
        expect(await verifyEvent(signed, '10', keys)).toMatchObject({ status: 'rejected' });
      });
    });
  }
});
