/**
 * Federation in Node over fake-indexeddb: FederatedNodes (real TidepoolNodes,
 * real Ed25519, the outbound queue and `/send`) on one MemoryNetwork with a
 * manual clock (no network delay: what is timed is our own work).
 *
 * (a) Joining a room of 5,000 events from a peer: make_join + send_join +
 *     verifying and storing the answer (goal < 2 s). The room is built on the
 *     peer first with sendMessages batches.
 * (b) Convergence after a heal: partition {A, B} | {C}; A and B send 1,000
 *     messages between them, C sends 1,000; timed from the heal until all
 *     three have every event and the same heads and state (goal < 3 s).
 */
import { canonicalJson } from '../src/core/canonical-json.js';
import type { RoomId } from '../src/core/ids.js';
import { partitionable, type Server } from '../test/federation/convergence/helpers.js';
import type { Figure } from './harness.js';

const ROOM_EVENTS = 5_000;
const DIVERGENT = 1_000;
const BATCH = 100;

const text = (body: string) => ({ msgtype: 'm.text' as const, body });

/** The figures; see the file comment. */
export async function measureFederation(): Promise<Figure[]> {
  const join = await measureJoin();
  const heal = await measureHeal();
  return [
    {
      label: `join a room of ${ROOM_EVENTS.toLocaleString('en-US')} events from a peer`,
      value: join,
      unit: 'ms',
      note: goal(join, 2_000),
    },
    {
      label: `3 nodes converge after a heal, ${DIVERGENT.toLocaleString('en-US')} events per side`,
      value: heal,
      unit: 'ms',
      note: goal(heal, 3_000),
    },
  ];
}

function goal(ms: number, limit: number): string {
  return `goal < ${limit / 1000} s: ${ms < limit ? 'met' : 'NOT met'}`;
}

async function measureJoin(): Promise<number> {
  const { servers } = await partitionable(2);
  const [a, b] = servers as [Server, Server];
  const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Big room' });
  const created = (await a.node.timeline(roomId, { limit: 50 })).items.length;
  for (let sent = created; sent < ROOM_EVENTS; sent += BATCH) {
    const count = Math.min(BATCH, ROOM_EVENTS - sent);
    await a.node.sendMessages(
      roomId,
      Array.from({ length: count }, (_, i) => text(`message ${sent + i}`)),
    );
  }
  const start = performance.now();
  await b.fed.joinRoom(roomId, [a.name]);
  const ms = performance.now() - start;
  const summary = (await b.node.rooms()).find((r) => r.roomId === roomId);
  if (summary?.membership !== 'join') throw new Error('the join did not complete');
  return ms;
}

async function measureHeal(): Promise<number> {
  const { servers, partition, heal, drain, tick, errors } = await partitionable(3);
  const [a, b, c] = servers as [Server, Server, Server];
  const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Split' });
  await b.fed.joinRoom(roomId, [a.name]);
  await heal();
  await c.fed.joinRoom(roomId, [a.name]);
  await heal();

  partition([[a, b], [c]]);
  // Both sides at once, in batches: A and B alternate (each builds on the other's).
  for (let sent = 0; sent < DIVERGENT; sent += BATCH) {
    const side = sent % (2 * BATCH) === 0 ? a : b;
    const batch = Array.from({ length: BATCH }, (_, i) => text(`ab ${sent + i}`));
    const other = Array.from({ length: BATCH }, (_, i) => text(`c ${sent + i}`));
    await Promise.all([side.node.sendMessages(roomId, batch), c.node.sendMessages(roomId, other)]);
    await drain();
    await tick();
  }
  const start = performance.now();
  await heal();
  const ms = performance.now() - start;

  const views = await Promise.all(servers.map((s) => view(s, roomId)));
  if (new Set(views.map((v) => v.digest)).size !== 1) throw new Error('the heads/state differ');
  const counts = views.map((v) => v.accepted);
  if (counts.some((n) => n < 2 * DIVERGENT) || new Set(counts).size !== 1) {
    throw new Error(`not every event arrived: ${counts.join(', ')} accepted`);
  }
  if (errors.length > 0) throw new Error(`errors: ${String(errors[0])}`);
  return ms;
}

/** The heads and current state as one canonical JSON string, and the accepted events since C's join. */
async function view(server: Server, roomId: string) {
  const state = await server.node.roomState(roomId);
  const digest = canonicalJson({
    heads: [...state.heads].sort(),
    state: state.state.map((e) => [e.type, e.stateKey, e.eventId]).sort(),
  });
  const events = await server.store.read(['events'], (txn) =>
    txn.events.byDepth(roomId as RoomId, 0, Number.MAX_SAFE_INTEGER),
  );
  const accepted = events.filter(
    (e) => e.status === 'accepted' && e.pdu.type === 'm.room.message',
  ).length;
  return { digest, accepted };
}
