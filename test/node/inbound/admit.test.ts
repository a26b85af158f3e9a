import { describe, expect, it } from 'vitest';
import { publicKeyFromSeed } from '../../../src/core/crypto/ed25519.js';
import { eventIdFor } from '../../../src/core/event-hashes.js';
import { keyLookupFromMap, signEvent } from '../../../src/core/event-signing.js';
import type { Pdu, UnsignedPdu } from '../../../src/core/pdu.js';
import { redact } from '../../../src/core/redaction.js';
import { roomVersionRules } from '../../../src/core/room-versions.js';
import { admit, startAdmission } from '../../../src/node/inbound/admit.js';

const rules = roomVersionRules('11');
const seed = new Uint8Array(32).fill(6);
const keys = keyLookupFromMap({ 'r.example': { 'ed25519:r': publicKeyFromSeed(seed) } });
const roomId = '!room:r.example';
const prev = `$${'P'.repeat(43)}`;

function message(body: string): UnsignedPdu {
  return {
    type: 'm.room.message',
    room_id: roomId,
    sender: '@bob:r.example',
    content: { msgtype: 'm.text', body },
    auth_events: [prev],
    prev_events: [prev],
    depth: 4,
    origin_server_ts: 1_000,
  };
}

async function signed(body: string): Promise<Pdu> {
  return signEvent(message(body), rules, 'r.example', 'ed25519:r', seed);
}

describe('admit (checks 1–3)', () => {
  const cases: [name: string, make: () => Promise<unknown>, expected: string][] = [
    ['a good PDU', () => signed('hi'), 'ok'],
    [
      'a wrong content hash (kept redacted)',
      async () => ({ ...(await signed('hi')), content: { body: 'changed' } }),
      'redacted',
    ],
    ['a bad signature', async () => ({ ...(await signed('hi')), depth: 5 }), 'signature'],
    ['another room', async () => ({ ...(await signed('hi')), room_id: '!x:r.example' }), 'room'],
    ['not a PDU', async () => ({ type: 'm.room.message' }), 'invalid'],
    [
      'a float in the content',
      async () => ({ ...(await signed('hi')), content: { n: 0.5 } }),
      'invalid',
    ],
  ];

  for (const [name, make, expected] of cases) {
    it(`${name}: the provisional candidate is the one admitted`, async () => {
      const raw = await make();
      const started = startAdmission(raw, roomId, rules, keys);
      const admission = await started.done;
      expect(admission).toEqual(await admit(raw, roomId, rules, keys));
      switch (expected) {
        case 'ok':
          expect(admission).toEqual({
            ok: true,
            candidate: { eventId: eventIdFor(raw as Pdu, rules), pdu: raw },
          });
          expect(started.provisional).toEqual(admission.ok && admission.candidate);
          break;
        case 'redacted':
          expect(admission).toEqual({
            ok: true,
            candidate: {
              eventId: eventIdFor(raw as Pdu, rules),
              pdu: redact(raw as Pdu, rules),
              redactedReason: 'content hash does not match',
            },
          });
          expect(started.provisional).toEqual(admission.ok && admission.candidate);
          break;
        case 'signature':
          expect(admission).toMatchObject({ ok: false, eventId: eventIdFor(raw as Pdu, rules) });
          expect(!admission.ok && admission.error).toMatch(/^signature check failed/);
          break;
        case 'room':
          expect(admission).toMatchObject({ ok: false, error: 'PDU has no room_id' });
          expect(started.provisional).toBeUndefined();
          break;
        default:
          expect(admission).toMatchObject({ ok: false });
          expect(!admission.ok && admission.error).toMatch(/^invalid PDU/);
          expect(started.provisional).toBeUndefined();
      }
    });
  }
});
