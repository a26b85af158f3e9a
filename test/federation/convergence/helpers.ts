/**
 * Convergence test helpers over `federation(n)` (test/federation/join/helpers.ts):
 * partitions that let each side keep working, a heal that wakes every outbound
 * queue and drains the network, and what "the same room" means across nodes —
 * a digest of the current state, and the room's events by status.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../src/core/canonical-json.js';
import type { RoomId } from '../../../src/core/ids.js';
import type { EventStatus } from '../../../src/store/records.js';
import { federation, type Server } from '../join/helpers.js';

export type { Server } from '../join/helpers.js';

/** A federation of `count` nodes with partition, heal and drain. */
export async function partitionable(count: number, names?: string[]) {
  const fed = await federation(count, names);
  const { network, servers, clock } = fed;

  /** Waits until no node has work running: sends in flight, relays, inbound batches. */
  async function drain(): Promise<void> {
    for (let round = 0; round < 50; round++) {
      await Promise.all(servers.map((s) => s.fed.whenIdle()));
      // One macrotask turn: work started by the last deliveries gets to run.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const busy = await Promise.all(servers.map((s) => s.fed.queue.status()));
      const sending = busy.some((list) =>
        list.some((d) => d.inFlight > 0 || (d.queued > 0 && d.retryAt === undefined)),
      );
      if (!sending) return;
    }
    throw new Error('the federation did not drain');
  }

  /** Splits the network into `groups` of servers. */
  function partition(groups: readonly (readonly Server[])[]): void {
    network.partition(groups.map((group) => group.map((s) => s.name)));
  }

  /** Heals the network, wakes every queue for every peer, and waits until all is delivered. */
  async function heal(): Promise<void> {
    network.heal();
    for (let round = 0; round < 10; round++) {
      for (const s of servers) for (const peer of servers) if (peer !== s) s.fed.wake(peer.name);
      await drain();
      const status = await Promise.all(servers.map((s) => s.fed.queue.status()));
      if (status.every((list) => list.every((d) => d.queued === 0))) return;
    }
    throw new Error('the queues did not empty after the heal');
  }

  /** Moves the clock on (timestamps differ; backoff timers of unreachable peers fire and fail again). */
  async function tick(ms = 1_000): Promise<void> {
    await clock.advance(ms);
  }

  return { ...fed, drain, partition, heal, tick };
}

/** sha256 (hex) of the canonical JSON of the room's current state map, sorted by (type, state key). */
export async function stateDigest(server: Server, roomId: string): Promise<string> {
  return digestOf(await currentState(server, roomId));
}

/** The room's current state on `server`: `[type, stateKey, eventId]`, sorted. */
export async function currentState(server: Server, roomId: string): Promise<string[][]> {
  const view = await server.node.roomState(roomId);
  return view.state
    .map((e) => [e.type, e.stateKey, e.eventId])
    .sort((x, y) => (`${x[0]}\0${x[1]}` < `${y[0]}\0${y[1]}` ? -1 : 1));
}

/** sha256 (hex) of the canonical JSON of `value`. */
export function digestOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** The event ID of each current state entry, by `type|stateKey`. */
export async function stateIds(server: Server, roomId: string): Promise<Record<string, string>> {
  const view = await server.node.roomState(roomId);
  return Object.fromEntries(view.state.map((e) => [`${e.type}|${e.stateKey}`, e.eventId]));
}

/** The room's stored events on `server` by status: sorted event IDs per status. */
export async function eventsByStatus(
  server: Server,
  roomId: string,
): Promise<Record<EventStatus, string[]>> {
  const events = await server.store.read(['events'], (txn) =>
    txn.events.byDepth(roomId as RoomId, 0, Number.MAX_SAFE_INTEGER),
  );
  const out: Record<EventStatus, string[]> = {
    accepted: [],
    rejected: [],
    soft_failed: [],
    outlier: [],
  };
  for (const e of events) out[e.status].push(e.eventId);
  for (const list of Object.values(out)) list.sort();
  return out;
}

/** Every `/get_missing_events` request the network delivered. */
export function missingEventWalks(network: { deliveries: { path: string }[] }): number {
  return network.deliveries.filter((d) => d.path.includes('/get_missing_events/')).length;
}
