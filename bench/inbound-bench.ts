/**
 * Inbound transaction processing through the whole node in Node over
 * fake-indexeddb: `receivePdus` with batches of 50 remote messages (the most a
 * transaction carries), every check run (format, signatures, content hash,
 * auth against auth events and the state before, soft-fail against the
 * current state) and each batch persisted in one write. Set against the raw
 * WebCrypto verify rate of the same process (the federation issue's goal:
 * ≥ 0.4×). The baseline is measured in slices between chunks of batches, so
 * both rates see the same machine even when its load changes during the run
 * (the dev VM is shared: a baseline taken once, before, made the ratio swing).
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { ed25519Sign, ed25519Verify, publicKeyFromSeed } from '../src/core/crypto/ed25519.js';
import { TidepoolNode } from '../src/node/node.js';
import { openStore } from '../src/store/open-store.js';
import { join, keysOf, RemoteRoom, remoteServer } from '../test/node/inbound/remote.js';
import { type Figure, ratioNote } from './harness.js';

const BATCH = 50;
const BATCHES = 40;
const IN_FLIGHT = 256;
/** Batches per chunk: a baseline slice runs before each chunk. */
const CHUNK = 10;
/** Length of one baseline slice, ms (4 slices: about the 1.5 s measured before). */
const SLICE_MS = 400;

/** The figures; see the file comment. */
export async function measureInbound(): Promise<Figure[]> {
  const baseline = await rawVerifier();
  const remote = remoteServer('remote.example', 7);
  const bob = '@bob:remote.example';
  const keyLookup = keysOf(remote);
  const store = await openStore('bench-inbound', { indexedDB: new IDBFactory() });
  const node = await TidepoolNode.open(store, { createIfMissing: { localpart: 'bench' } });
  const roomId = await node.createRoom({ preset: 'public_chat' });
  const room = new RemoteRoom(store, roomId, '12');
  await room.syncHeads();
  const bobJoin = await room.event(remote, {
    type: 'm.room.member',
    stateKey: bob,
    sender: bob,
    content: join,
  });
  await node.receivePdus(remote.name, [bobJoin.pdu], { keyLookup });

  // Sign everything first: only the receiving side is timed.
  const batches: unknown[][] = [];
  for (let b = 0; b < BATCHES; b++) {
    const batch: unknown[] = [];
    for (let i = 0; i < BATCH; i++) {
      const body = `Remote message ${b * BATCH + i}: the quick brown fox jumps over the lazy dog`;
      const built = await room.event(remote, {
        type: 'm.room.message',
        sender: bob,
        content: { msgtype: 'm.text', body },
      });
      batch.push(built.pdu);
    }
    batches.push(batch);
  }

  let accepted = 0;
  let ms = 0;
  for (let chunk = 0; chunk < BATCHES; chunk += CHUNK) {
    await baseline.slice(SLICE_MS);
    const start = performance.now();
    for (const batch of batches.slice(chunk, chunk + CHUNK)) {
      const report = await node.receivePdus(remote.name, batch, { keyLookup });
      accepted += Object.values(report.outcomes).filter((o) => o.status === 'accepted').length;
    }
    ms += performance.now() - start;
  }
  const seconds = ms / 1000;
  const verifyRate = baseline.rate();
  node.close();
  if (accepted !== BATCH * BATCHES) throw new Error(`only ${accepted} PDUs were accepted`);
  const rate = accepted / seconds;
  return [
    {
      label: `WebCrypto Ed25519 verify (${IN_FLIGHT} in flight, baseline)`,
      value: verifyRate,
      unit: 'ops/s',
    },
    {
      label: `inbound PDUs, all checks, persisted (batches of ${BATCH})`,
      value: rate,
      unit: 'PDUs/s',
      note: `${ratioNote(rate / verifyRate, 0.4)} of raw verify`,
    },
  ];
}

/** Raw WebCrypto verification, measured in slices: `rate()` pools them all. */
async function rawVerifier(): Promise<{
  slice: (ms: number) => Promise<void>;
  rate: () => number;
}> {
  const seed = new Uint8Array(32).fill(3);
  const publicKey = publicKeyFromSeed(seed);
  const message = new TextEncoder().encode('x'.repeat(600));
  const signature = await ed25519Sign(message, seed);
  const batch = Array.from({ length: IN_FLIGHT });
  for (let i = 0; i < 4; i++)
    await Promise.all(batch.map(() => ed25519Verify(signature, message, publicKey)));
  let done = 0;
  let ms = 0;
  return {
    slice: async (length) => {
      const start = performance.now();
      while (performance.now() - start < length) {
        await Promise.all(batch.map(() => ed25519Verify(signature, message, publicKey)));
        done += IN_FLIGHT;
      }
      ms += performance.now() - start;
    },
    rate: () => done / (ms / 1000),
  };
}
