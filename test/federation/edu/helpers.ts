/**
 * A test federation wired the way FederatedNode will be once the lead adds
 * the EDU and ACL wiring (see doc/federation.md, "Server ACLs and EDUs"):
 * the same parts as FederatedNode (KeyRing, client, server with the room
 * routes and make_join/send_join, OutboundQueue, LocalEventRelay), plus a
 * FederationEdus given to the room routes and make_join/send_join wrapped
 * with `withRoomAcl`. Real TidepoolNodes over fake IndexedDB, real Ed25519,
 * one MemoryNetwork on a ManualClock; queue and typing timers on the clock.
 */
import type { ServerName } from '../../../src/core/ids.js';
import { FederationClient } from '../../../src/federation/client.js';
import { FederationEdus } from '../../../src/federation/edu/federation-edus.js';
import { FederationServer } from '../../../src/federation/federation-server.js';
import { joinThrough } from '../../../src/federation/join/join-room.js';
import { joinRoutes } from '../../../src/federation/join/join-routes.js';
import { KeyRing } from '../../../src/federation/keys/key-ring.js';
import { LocalEventRelay } from '../../../src/federation/local-event-relay.js';
import { MemoryNetwork } from '../../../src/federation/memory-network.js';
import { ManualClock } from '../../../src/federation/network-clock.js';
import { clockTimers } from '../../../src/federation/outbound/backoff.js';
import type { OutboundEvent } from '../../../src/federation/outbound/outbound-events.js';
import { OutboundQueue } from '../../../src/federation/outbound/outbound-queue.js';
import { withRoomAcl } from '../../../src/federation/rooms/room-acl.js';
import { roomRoutes } from '../../../src/federation/rooms/room-routes.js';
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
  client: FederationClient;
  queue: OutboundQueue;
  relay: LocalEventRelay;
  edus: FederationEdus;
  /** What the outbound queue reported (pdu-error: the receiver refused a PDU). */
  outbound: OutboundEvent[];
  joinRoom(roomId: string, via: string[]): Promise<string>;
  whenIdle(): Promise<void>;
}

/** `count` wired servers (identity seeds 1..count, as test/federation/join/helpers.ts). */
export async function eduFederation(count: number) {
  const clock = new ManualClock();
  const network = new MemoryNetwork({ seed: 7, clock });
  const now = () => clock.now();
  const timers = clockTimers(clock);
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  const servers: EduServer[] = [];
  for (let i = 0; i < count; i++) {
    const identity = createIdentity({ localpart: 'u', random: seededRandom(i + 1) });
    const name = identity.serverName;
    const serverName = () => name;
    const store = await open(freshFactory(), `tidepool-edu-${name}`);
    const node = await TidepoolNode.create(store, identity, { now, random: seededRandom(100 + i) });
    const client = new FederationClient({
      transport: network.transportFor(name),
      identity: () => identity,
    });
    const keyRing = new KeyRing({ store, client, identity: () => identity, now });
    const server = new FederationServer({
      identity: () => identity,
      keyRing,
      now,
      onInternalError: onError,
    });
    const outbound: OutboundEvent[] = [];
    const queue = new OutboundQueue({
      store,
      client,
      origin: serverName,
      now,
      timers,
      random: () => 0,
      onEvent: (event) => outbound.push(event),
    });
    const relay = new LocalEventRelay({ node, store, queue, serverName, onError });
    const edus = new FederationEdus({ store, queue, serverName, now, timers });
    const rooms = roomRoutes({ node, store, client, keyRing, identity: () => identity, now, edus });
    for (const route of rooms) server.register(route);
    const joins = joinRoutes({
      node,
      store,
      keyLookup: keyRing.lookup,
      serverName,
      now,
      onJoinAccepted: (roomId, _eventId, pdu, origin) => relay.relayJoin(roomId, pdu, origin),
    });
    for (const route of joins) server.register(withRoomAcl(route, store));
    await relay.start();
    await queue.start();
    network.addNode(name, server.handle);
    servers.push({
      name,
      user: `@u:${name}`,
      node,
      store,
      client,
      queue,
      relay,
      edus,
      outbound,
      joinRoom: (roomId, via) =>
        joinThrough(
          {
            client,
            keyLookup: keyRing.lookup,
            identity: () => identity,
            now,
            install: async (joined, resident) => {
              relay.alreadyHeld(joined.join.eventId, [resident as ServerName]);
              await node.installJoinedRoom(joined);
            },
          },
          roomId,
          via,
        ),
      whenIdle: async () => {
        await relay.idle();
        await queue.whenIdle();
      },
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
    for (const s of servers) {
      await s.relay.stop();
      await s.relay.idle();
      s.queue.stop();
      s.edus.close();
    }
  }

  return { clock, network, now, servers, errors, settle, sharedRoom, close };
}
