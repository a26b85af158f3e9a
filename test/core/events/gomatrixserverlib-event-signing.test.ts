import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../../src/core/base64.js';
import { canonicalJson } from '../../../src/core/canonical-json.js';
import { publicKeyFromSeed } from '../../../src/core/crypto/ed25519.js';
import { contentHash } from '../../../src/core/event-hashes.js';
import { signEvent, verifyEventSignature } from '../../../src/core/event-signing.js';
import type { JsonObject } from '../../../src/core/json.js';
import type { UnsignedPdu } from '../../../src/core/pdu.js';
import { redact } from '../../../src/core/redaction.js';
import { readConformance } from '../../helpers/conformance.js';

/**
 * gomatrixserverlib's event crypto vectors (eventcrypto_test.go). Their
 * `procedure` redacts with the room version 1 algorithm. We implement versions
 * 10–12 only; for these events (types `X` and `m.room.message`, whose content
 * no version keeps, and top-level `origin`, which versions 1–10 keep) the
 * version 1 algorithm and our version 10 algorithm produce the same redacted
 * form, so every vector runs under room version 10.
 *
 * The `X` events have no `content` at all: they only verify if redaction adds
 * `"content": {}` (the file's `important_finding`), which ours does.
 */

interface Vectors {
  key: { seed_base64: string; server: string; key_id: string };
  verify_ok: { name: string; event: JsonObject }[];
  verify_fail: { name: string; event: JsonObject }[];
  sign_vectors: { name: string; input: JsonObject; expected: JsonObject }[];
}

const data = readConformance<Vectors>('gomatrixserverlib/event_signing_verify.json');
const seed = decodeBase64(data.key.seed_base64);
const publicKey = publicKeyFromSeed(seed);
const { server, key_id: keyId } = data.key;
/** Room version 1's redaction of these events equals our version 10's (see above). */
const version = '10';

describe('gomatrixserverlib verify_ok (room v1 vectors under our v10 rules)', () => {
  it('has the four cases', () => {
    expect(data.verify_ok).toHaveLength(4);
  });
  for (const { name, event } of data.verify_ok) {
    it(name, async () => {
      expect(await verifyEventSignature(event, version, server, keyId, publicKey)).toBe(true);
    });
  }

  it('adds "content": {} to a redacted event that had no content', () => {
    const x = data.verify_ok[0]?.event;
    expect(x && Object.hasOwn(x, 'content')).toBe(false);
    expect(redact(x as JsonObject, version).content).toEqual({});
  });

  it('the content hash matches for the full events and not for the redacted message', () => {
    const events = data.verify_ok.map((c) => c.event);
    const sha256Of = (event: JsonObject) => (event.hashes as JsonObject).sha256;
    for (const event of events.slice(0, 3)) expect(contentHash(event)).toBe(sha256Of(event));
    const redactedMessage = events[3] as JsonObject;
    expect(contentHash(redactedMessage)).not.toBe(sha256Of(redactedMessage));
  });
});

describe('gomatrixserverlib verify_fail', () => {
  it('has the two cases', () => {
    expect(data.verify_fail).toHaveLength(2);
  });
  for (const { name, event } of data.verify_fail) {
    it(name, async () => {
      expect(await verifyEventSignature(event, version, server, keyId, publicKey)).toBe(false);
    });
  }
});

describe('gomatrixserverlib sign_vectors', () => {
  it('has the two cases', () => {
    expect(data.sign_vectors).toHaveLength(2);
  });
  for (const { name, input, expected } of data.sign_vectors) {
    it(`${name}: byte for byte`, async () => {
      const signed = await signEvent(input as unknown as UnsignedPdu, version, server, keyId, seed);
      expect(canonicalJson(signed)).toBe(canonicalJson(expected));
      // Our own verification accepts what we signed.
      expect(await verifyEventSignature(signed, version, server, keyId, publicKey)).toBe(true);
    });
  }
});
