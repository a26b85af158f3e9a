/**
 * Room endpoint test helpers: N nodes on one MemoryNetwork, each a real
 * TidepoolNode over its own fake IndexedDB with its FederationServer, KeyRing
 * and the room routes registered (real Ed25519 throughout).
 *
 * Joining: make_join/send_join are not built yet, so `joinByHand` builds and
 * signs the remote user's join as their server would (prev/auth events chosen
 * from the resident node's state, via the inbound tests' RemoteRoom) and
 * delivers it through the resident's `/send`. The joining node then has no
 * copy of the room; `mirrorRoom` copies the resident's events and states
 * into the joiner's store, standing in for what send_join will give it.
 */
export { remoteError } from '../expect-failure.js';

import type { EventId, RoomId } from '../../../src/core/ids.js';
import type { JsonObject } from '../../../src/core/json.js';
import type { FederationClient } from '../../../src/federation/client.js';
import { roomRoutes } from '../../../src/federation/rooms/room-routes.js';
import { TidepoolNode } from '../../../src/node/node.js';
import type { StateGroupId } from '../../../src/store/records.js';
import type { Store } from '../../../src/store/store.js';
import { seededRandom } from '../../node/helpers.js';
import { type Built, RemoteRoom, type RemoteSpec } from '../../node/inbound/remote.js';
import { type FedNode, testNetwork } from '../helpers.js';

/** A test node: the federation parts plus its TidepoolNode. */
export interface Peer {
  fed: FedNode;
  node: TidepoolNode;
  name: string;
  /** The node's one user, `@u:<name>`. */
  user: string;
  store: Store;
  client: FederationClient;
}

/** `count` peers on one network. */
export async function roomNetwork(count: number) {
  const net = await testNetwork(count);
  const peers: Peer[] = [];
  for (const [i, fed] of net.nodes.entries()) {
    const node = await TidepoolNode.create(fed.store, fed.identity, {
      now: net.now,
      random: seededRandom(100 + i),
    });
    const routes = roomRoutes({
      node,
      store: fed.store,
      client: fed.client,
      keyRing: fed.keyRing,
      identity: () => fed.identity,
      now: net.now,
    });
    for (const route of routes) fed.server.register(route);
    peers.push({
      fed,
      node,
      name: fed.name,
      user: `@u:${fed.name}`,
      store: fed.store,
      client: fed.client,
    });
  }
  return { ...net, peers };
}

/** Signs events of `roomId` as `peer`'s server, from `resident`'s view of the room. */
export class HandBuilder {
  private constructor(
    private readonly room: RemoteRoom,
    private readonly peer: Peer,
    private readonly now: () => number,
  ) {}

  static async start(resident: Peer, roomId: string, peer: Peer, now: () => number) {
    const room = new RemoteRoom(resident.store, roomId, '12');
    await room.syncHeads();
    return new HandBuilder(room, peer, now);
  }

  /** The last event built (the default prev of the next one). */
  get last(): EventId | undefined {
    return this.room.last;
  }

  /** Re-reads the resident's heads (after it sent events of its own). */
  syncHeads(): Promise<EventId[]> {
    return this.room.syncHeads();
  }

  /** A signed event by the peer's user, timestamped now (its keys are valid now). */
  event(spec: Omit<RemoteSpec, 'sender'> & { sender?: string }): Promise<Built> {
    const { keyId, seed } = this.peer.fed.identity.signingKey;
    return this.room.event(
      { name: this.peer.name, keyId, seed },
      { ...spec, sender: spec.sender ?? this.peer.user, ts: spec.ts ?? this.now() },
    );
  }

  /** A plain text message. */
  message(body: string, prev?: EventId[]): Promise<Built> {
    const spec: Omit<RemoteSpec, 'sender'> = {
      type: 'm.room.message',
      content: { msgtype: 'm.text', body },
    };
    if (prev !== undefined) spec.prev = prev;
    return this.event(spec);
  }

  /** The peer user's join. */
  join(): Promise<Built> {
    return this.event({
      type: 'm.room.member',
      stateKey: this.peer.user,
      content: { membership: 'join' },
    });
  }
}

/** A signed `/send` from `from` to `to`; resolves with the answer or the remote error. */
export async function send(
  from: Peer,
  to: Peer,
  txnId: string,
  pdus: unknown[],
  extra: JsonObject = {},
): Promise<JsonObject> {
  return from.client.request(to.name, 'PUT', `/_matrix/federation/v1/send/${txnId}`, {
    origin: from.name,
    origin_server_ts: 1_700_000_000_000,
    pdus: pdus as JsonObject[],
    ...extra,
  });
}

/** A signed GET (or POST with `body`) from `from` to `to`. */
export function ask(from: Peer, to: Peer, path: string, body?: JsonObject): Promise<JsonObject> {
  return from.client.request(to.name, body === undefined ? 'GET' : 'POST', path, body);
}

/** A public room created by `resident`, with `joiner`'s join delivered by hand through `/send`. */
export async function publicRoomWith(resident: Peer, joiner: Peer, now: () => number) {
  const roomId = await resident.node.createRoom({ preset: 'public_chat', name: 'Lobby' });
  const builder = await HandBuilder.start(resident, roomId, joiner, now);
  const join = await builder.join();
  const answer = await send(joiner, resident, 'join-1', [join.pdu]);
  if (JSON.stringify(answer) !== JSON.stringify({ pdus: { [join.eventId]: {} } })) {
    throw new Error(`join not accepted: ${JSON.stringify(answer)}`);
  }
  return { roomId, builder, join };
}

/** Every event `store` holds for `roomId`. */
export function roomEvents(store: Store, roomId: string) {
  return store.read(['events'], (txn) =>
    txn.events.byDepth(roomId as RoomId, 0, Number.MAX_SAFE_INTEGER),
  );
}

/**
 * Copies `from`'s room into `to`'s store, as if `to` had joined through
 * send_join: every event record with its status, each event's state (as a
 * fresh snapshot group), fresh stream orders in the same order, the room
 * record. One write.
 */
export async function mirrorRoom(from: Peer, to: Peer, roomId: string): Promise<void> {
  const { room, records, states } = await from.store.read(
    ['rooms', 'events', 'stateGroups'],
    async (txn) => {
      const room = (await txn.rooms.get(roomId as RoomId))!;
      const records = await txn.events.byDepth(roomId as RoomId, 0, Number.MAX_SAFE_INTEGER);
      const groups = new Set<StateGroupId>([room.stateGroup]);
      for (const r of records) if (r.stateGroup !== undefined) groups.add(r.stateGroup);
      const states = new Map<StateGroupId, Record<string, EventId>>();
      for (const group of groups) {
        states.set(group, Object.fromEntries(await txn.stateGroups.resolve(group)));
      }
      return { room, records, states };
    },
  );
  await to.store.write(['rooms', 'events', 'stateGroups', 'counters'], async (txn) => {
    const mapped = new Map<StateGroupId, StateGroupId>();
    for (const [group, state] of states) {
      mapped.set(group, await txn.stateGroups.create(room.roomId, undefined, state));
    }
    const timeline = records
      .filter((r) => r.streamOrder !== undefined)
      .sort((a, b) => a.streamOrder! - b.streamOrder!);
    let order = await txn.counters.reserveStreamOrders(Math.max(timeline.length, 1));
    const orders = new Map(timeline.map((r) => [r.eventId, order++]));
    for (const record of records) {
      const copy = { ...record };
      if (record.stateGroup !== undefined) copy.stateGroup = mapped.get(record.stateGroup)!;
      if (orders.has(record.eventId)) copy.streamOrder = orders.get(record.eventId)!;
      await txn.events.add(copy);
    }
    await txn.rooms.put({
      ...room,
      stateGroup: mapped.get(room.stateGroup)!,
      streamPosition: order - 1,
      unreadCount: 0,
    });
  });
}
