import { publicKeyFromSeed } from '../src/core/crypto/ed25519.js';
import { eventIdFor } from '../src/core/event-hashes.js';
import { keyLookupFromMap, signEvent, verifyEvent } from '../src/core/event-signing.js';
import type { UnsignedPdu } from '../src/core/pdu.js';
import { parseAndValidatePdu } from '../src/core/validate-pdu.js';
import { type CryptoRates, IN_FLIGHT } from './crypto-bench.js';
import { type Figure, opsPerSecond, ratioNote } from './harness.js';

/** How many distinct signed PDUs the benchmark cycles through. */
const PDU_COUNT = 2048;
const SERVER = 'remote.example';
const KEY_ID = 'ed25519:bench';

/**
 * The per-PDU work a receiving server does before auth: parse the bytes
 * strictly, validate the shape, compute the event ID (reference hash), check
 * the content hash and the signature. Measured as PDUs/s and set against the
 * raw WebCrypto verify rate of the same process: the signature check is the
 * floor, so everything else should cost at most as much again (goal ≥ 0.5×).
 */
export async function measurePduCheck(rates: CryptoRates): Promise<Figure[]> {
  const seed = new Uint8Array(32).map((_, i) => 200 - i);
  const keys = keyLookupFromMap({ [SERVER]: { [KEY_ID]: publicKeyFromSeed(seed) } });
  const encoder = new TextEncoder();
  const wire: Uint8Array[] = [];
  const ids: string[] = [];
  for (let i = 0; i < PDU_COUNT; i++) {
    const signed = await signEvent(messagePdu(i), '12', SERVER, KEY_ID, seed);
    wire.push(encoder.encode(JSON.stringify(signed)));
    ids.push(eventIdFor(signed, '12'));
  }
  const wireBytes = wire.reduce((sum, bytes) => sum + bytes.length, 0) / wire.length;

  let next = 0;
  const checkOne = async (index: number): Promise<number> => {
    const bytes = wire[index] as Uint8Array;
    const pdu = parseAndValidatePdu(bytes, '12');
    // verifyEvent gives the event ID too: the reference hash is over the signed bytes.
    const result = await verifyEvent(pdu, '12', keys);
    if (result.status !== 'valid') throw new Error(`bench PDU failed: ${result.status}`);
    if (result.eventId !== ids[index]) throw new Error('bench PDU has the wrong event ID');
    return 1;
  };
  const perSecond = await opsPerSecond(async () => {
    const batch: Promise<number>[] = [];
    for (let i = 0; i < IN_FLIGHT; i++) {
      batch.push(checkOne(next));
      next = (next + 1) % wire.length;
    }
    return (await Promise.all(batch)).length;
  }, 2000);

  return [
    {
      label: `PDU check: parse, validate, event ID, hash, signature (${Math.round(wireBytes)} B PDUs)`,
      value: perSecond,
      unit: 'PDUs/s',
      note: `vs WebCrypto verify ${ratioNote(perSecond / rates.webCryptoVerify, 0.5)}`,
    },
  ];
}

/** A realistic room message: formatted body, relation-free, with 10 prev/auth events. */
function messagePdu(i: number): UnsignedPdu {
  const ref = (n: number) => `$${'A'.repeat(30)}${String(n).padStart(13, '0')}`;
  return {
    type: 'm.room.message',
    room_id: `!${'R'.repeat(43)}`,
    sender: `@user${i % 50}:${SERVER}`,
    origin_server_ts: 1_763_000_000_000 + i,
    depth: 1000 + i,
    prev_events: [ref(i)],
    auth_events: [ref(1), ref(2), ref(3)],
    content: {
      msgtype: 'm.text',
      body: `Message number ${i}: the quick brown fox jumps over the lazy dog.`,
      format: 'org.matrix.custom.html',
      formatted_body: `<p>Message number <b>${i}</b>: the quick brown fox jumps over the lazy dog.</p>`,
    },
  };
}
