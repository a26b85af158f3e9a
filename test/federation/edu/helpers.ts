/**
 * A test federation of real FederatedNodes (which own the EDUs and wrap
 * make_join/send_join with the room ACL): real TidepoolNodes over fake
 * IndexedDB, real Ed25519, one MemoryNetwork on a ManualClock; queue and
 * typing timers on the clock. Each server also records what its outbound
 * queue reported (a `pdu-error` is a PDU the receiver refused).
 */
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
export interface EduServer {
  name: string;
  user: string;
  node: TidepoolNode;
  store: Store;
  fed: FederatedNode;
  client: FederatedNode['client'];
  queue: FederatedNode['queue'];
  edus: FederatedNode['edus'];
  /** What the outbound queue reported. */
  outbound: OutboundEvent[];
  joinRoom(roomId: string, via: string[]): Promise<string>;
  whenIdle(): Promise<void>;
}

/** `count` federated servers (identity seeds 1..count, as test/federation/join/helpers.ts). */
export async function eduFederation(count: number) {
  const clock = new ManualClock();
  const network = new MemoryNetwork({ seed: 7, clock });
  const now = () => clock.now();
  const errors: unknown[] = [];
  const servers: EduServer[] = [];
  for (let i = 0; i < count; i++) {
    const identity = createIdentity({ localpart: 'u', random: seededRandom(i + 1) });
    const name = identity.serverName;
    const store = await open(freshFactory(), `tidepool-edu-${name}`);
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
    servers.push({
      name,
      user: `@u:${name}`,
      node,
      store,
      fed,
      client: fed.client,
      queue: fed.queue,
      edus: fed.edus,
      outbound,
      joinRoom: (roomId, via) => fed.joinRoom(roomId, via),
      whenIdle: () => fed.whenIdle(),
    });
  }

  /** Waits until every server has queued and sent everything. */
  async function settle(): Promise<void> {
    for (let round = 0; round < 10; round++) {
      await Promise.all(servers.map((s) => s.whenIdle()));
      const status = await Promise.all(servers.map((s) => s.queue.status()));
      if (status.every((list) => list.every((d) => d.queued === 0))) return;
    }
    throw new Error('the federation did not settle');
  }

  /** A public room on the first server that every other server has joined. */
  async function sharedRoom(): Promise<string> {
    const [a, ...rest] = servers;
    const roomId = await a!.node.createRoom({ name: 'Shared', preset: 'public_chat' });
    for (const s of rest) {
      await s.joinRoom(roomId, [a!.name]);
      await settle();
    }
    return roomId;
  }

  async function close(): Promise<void> {
    for (const s of servers) await s.fed.close();
  }

  return { clock, network, now, servers, errors, settle, sharedRoom, close };
}
