/**
 * Node test helpers: a node over a fresh fake IndexedDB with a fixed clock and
 * seeded randomness, so runs are reproducible, and a full dump of what a node
 * shows (to compare before and after a reopen).
 */
import type { IDBFactory } from 'fake-indexeddb';
import type { RandomBytes } from '../../src/node/identity.js';
import { TidepoolNode, type TidepoolNodeOptions } from '../../src/node/node.js';
import type { Store } from '../../src/store/store.js';
import { freshFactory, open } from '../store/helpers.js';

export { dumpAll, freshFactory, open } from '../store/helpers.js';

/** Deterministic bytes from a seed (xorshift32): tests get the same keys every run. */
export function seededRandom(seed: number): RandomBytes {
  let state = seed >>> 0 || 1;
  return (length) => {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      bytes[i] = state & 0xff;
    }
    return bytes;
  };
}

/** A clock that advances one millisecond per reading. */
export function steppingClock(start = 1_700_000_000_000): () => number {
  let now = start;
  return () => now++;
}

/** What a test node is made of. */
export interface TestNode {
  node: TidepoolNode;
  store: Store;
  factory: IDBFactory;
  name: string;
  options: TidepoolNodeOptions;
}

/** A new node for `@localpart:<key>.localhost` over a fresh database. */
export async function newNode(localpart = 'alice', seed = 1): Promise<TestNode> {
  const factory = freshFactory();
  const name = 'tidepool-node-test';
  const store = await open(factory, name);
  const options: TidepoolNodeOptions = {
    createIfMissing: { localpart },
    now: steppingClock(),
    random: seededRandom(seed),
  };
  const node = await TidepoolNode.open(store, options);
  return { node, store, factory, name, options };
}

/** Closes `t`'s node and opens a new TidepoolNode over the same database. */
export async function reopen(t: TestNode): Promise<TestNode> {
  t.node.close();
  const store = await open(t.factory, t.name);
  const node = await TidepoolNode.open(store, { now: t.options.now, random: t.options.random });
  return { ...t, node, store };
}

/** Everything a node shows about its rooms, for deep comparison. */
export async function snapshot(node: TidepoolNode) {
  const rooms = await node.rooms();
  const perRoom: Record<string, unknown> = {};
  for (const { roomId } of rooms) {
    const pages = [];
    let from: string | undefined;
    do {
      const page = await node.timeline(
        roomId,
        from === undefined ? { limit: 50 } : { from, limit: 50 },
      );
      pages.push(page);
      from = page.next;
    } while (from !== undefined);
    perRoom[roomId] = {
      pages,
      state: await node.roomState(roomId),
      members: await node.members(roomId),
    };
  }
  return { rooms, perRoom, identity: await node.identity() };
}

/** A plain text message. */
export function text(body: string) {
  return { msgtype: 'm.text' as const, body };
}
