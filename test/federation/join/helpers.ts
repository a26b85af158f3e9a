/**
 * Federated-node test helpers: N FederatedNodes (real TidepoolNodes over their
 * own fake IndexedDB, real Ed25519) on one MemoryNetwork driven by a
 * ManualClock, each with its handler registered on the network, the outbound
 * queue's timers on the same clock and no jitter.
 */
import type { RoomId } from '../../../src/core/ids.js';
import { FederatedNode } from '../../../src/federation/federated-node.js';
import { MemoryNetwork } from '../../../src/federation/memory-network.js';
import { ManualClock } from '../../../src/federation/network-clock.js';
import { clockTimers } from '../../../src/federation/outbound/backoff.js';
import type { OutboundEvent } from '../../../src/federation/outbound/outbound-events.js';
import { createIdentity } from '../../../src/node/identity.js';
import { TidepoolNode } from '../../../src/node/node.js';
import type { Store } from '../../../src/store/store.js';
import { seededRandom } from '../../node/helpers.js';
import { freshFactory, open } from '../../store/helpers.js';

/** One server of the test federation. */
export interface Server {
  name: string;
  user: string;
  node: TidepoolNode;
  store: Store;
  fed: FederatedNode;
  /** What the outbound queue reported (a `pdu-error` is a PDU the receiver refused). */
  outbound: OutboundEvent[];
}

/** `count` federated nodes (identity seeds 1..count, display names from `names`). */
export async function federation(count: number, names = ['Alice', 'Bob', 'Carol', 'Dan']) {
  const clock = new ManualClock();
  const network = new MemoryNetwork({ seed: 7, clock });
  const now = () => clock.now();
  const errors: unknown[] = [];
  const servers: Server[] = [];
  for (let i = 0; i < count; i++) {
    const start = createIdentity({ localpart: 'u', random: seededRandom(i + 1) });
    const identity = { ...start, profile: { displayName: names[i] ?? `User ${i}` } };
    const name = identity.serverName;
    const store = await open(freshFactory(), `tidepool-${name}`);
    const node = await TidepoolNode.create(store, identity, { now, random: seededRandom(100 + i) });
    const outbound: OutboundEvent[] = [];
    const fed = await FederatedNode.open({
      node,
      store,
      identity: () => identity,
      transport: network.transportFor(name),
      now,
      timers: clockTimers(clock),
      random: () => 0,
      onError: (error) => errors.push(error),
      onOutboundEvent: (event) => outbound.push(event),
    });
    network.addNode(name, fed.handle);
    servers.push({ name, user: `@u:${name}`, node, store, fed, outbound });
  }

  /** Waits until every server has queued and sent everything (deliveries cause more work). */
  async function settle(): Promise<void> {
    for (let round = 0; round < 10; round++) {
      await Promise.all(servers.map((s) => s.fed.whenIdle()));
      const status = await Promise.all(servers.map((s) => s.fed.queue.status()));
      if (status.every((list) => list.every((d) => d.queued === 0))) return;
    }
    throw new Error('the federation did not settle');
  }

  return { clock, network, now, servers, errors, settle };
}

/** The room's timeline on `server`, oldest first, as event IDs. */
export async function timelineIds(server: Server, roomId: string): Promise<string[]> {
  const page = await server.node.timeline(roomId, { limit: 500 });
  return page.items.map((item) => item.eventId).reverse();
}

/** The bodies of the room's messages on `server`, oldest first. */
export async function messages(server: Server, roomId: string): Promise<string[]> {
  const page = await server.node.timeline(roomId, { limit: 500 });
  return page.items
    .filter((item) => item.type === 'm.room.message')
    .map((item) => String(item.content.body))
    .reverse();
}

/** What `server` stores about a room: its events, and every room record. */
export async function roomData(server: Server, roomId: string) {
  return server.store.read(['events', 'rooms'], async (txn) => ({
    events: await txn.events.byDepth(roomId as RoomId, 0, Number.MAX_SAFE_INTEGER),
    rooms: await txn.rooms.all(),
  }));
}
