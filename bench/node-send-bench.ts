/**
 * Local sends through the whole node (build, authorise, sign, one IndexedDB
 * write, in-memory state update) in Node over fake-indexeddb: one message per
 * call against sendMessages of 100, beside the raw WebCrypto signing rate
 * measured in the same run (the most a send path that signs each event could
 * reach). Also the state-group entries stored per state change.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { ed25519Sign } from '../src/core/crypto/ed25519.js';
import { TidepoolNode } from '../src/node/node.js';
import { migrations } from '../src/store/migrations.js';
import { openDatabase } from '../src/store/open-database.js';
import { openStore } from '../src/store/open-store.js';
import { type Figure, opsPerSecond } from './harness.js';

const BATCH = 100;
const IN_FLIGHT = 256;
const STATE_CHANGES = 200;

async function freshNode(factory: IDBFactory, name: string): Promise<TidepoolNode> {
  const store = await openStore(name, { indexedDB: factory });
  return TidepoolNode.open(store, { createIfMissing: { localpart: 'bench' } });
}

/** The figures; see the file comment. */
export async function measureNodeSends(durationMs = 2000): Promise<Figure[]> {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  // A message about the size of a signed m.room.message's redacted form.
  const message = new TextEncoder().encode('x'.repeat(400));
  const signRate = await opsPerSecond(async () => {
    await Promise.all(Array.from({ length: IN_FLIGHT }, () => ed25519Sign(message, seed)));
    return IN_FLIGHT;
  }, durationMs);

  const factory = new IDBFactory();
  const node = await freshNode(factory, 'bench-sends');
  const roomId = await node.createRoom({ name: 'Bench' });
  let n = 0;
  const single = await opsPerSecond(async () => {
    await node.sendMessage(roomId, { msgtype: 'm.text', body: `message ${n++}` });
    return 1;
  }, durationMs);
  const batched = await opsPerSecond(async () => {
    const batch = Array.from({ length: BATCH }, () => ({
      msgtype: 'm.text' as const,
      body: `message ${n++}`,
    }));
    await node.sendMessages(roomId, batch);
    return BATCH;
  }, durationMs);
  node.close();

  const entries = await stateEntriesPerChange();
  return [
    {
      label: `WebCrypto Ed25519 signs (${IN_FLIGHT} in flight, baseline)`,
      value: signRate,
      unit: 'ops/s',
    },
    {
      label: 'node sends, one sendMessage per message',
      value: single,
      unit: 'msg/s',
      note: `${(single / signRate).toFixed(3)}× sign rate`,
    },
    {
      label: `node sends, sendMessages of ${BATCH}`,
      value: batched,
      unit: 'msg/s',
      note: `${(batched / signRate).toFixed(3)}× sign rate, ${(batched / single).toFixed(1)}× unbatched`,
    },
    {
      label: `state-group entries stored per state change (${STATE_CHANGES} topic changes)`,
      value: entries,
      unit: 'entries',
      note: 'a full copy per event would be the whole state (~8 keys here) each time',
    },
  ];
}

/** Sends STATE_CHANGES topic changes and counts the state-group entries they stored. */
async function stateEntriesPerChange(): Promise<number> {
  const factory = new IDBFactory();
  const name = 'bench-state';
  const node = await freshNode(factory, name);
  const roomId = await node.createRoom({ name: 'State' });
  const count = async () => {
    const db = await openDatabase(name, factory, migrations);
    const groups = await db.getAll('stateGroups');
    db.close();
    return groups.reduce((sum, g) => sum + Object.keys(g.delta).length, 0);
  };
  const before = await count();
  for (let i = 0; i < STATE_CHANGES; i++) await node.setTopic(roomId, `topic ${i}`);
  const after = await count();
  node.close();
  return (after - before) / STATE_CHANGES;
}
