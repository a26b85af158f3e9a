/**
 * The event graph and state digest reads over real nodes: two federated
 * TidepoolNodes (fake IndexedDB, real Ed25519, the MemoryNetwork) fork the
 * room while partitioned and merge after the heal; a single node with a remote
 * server's signed events shows a rejected event where it hung.
 */
import { describe, expect, it } from 'vitest';
import type { EventId } from '../../src/core/ids.js';
import { type StateTriple, stateDigestOf } from '../../src/core/state-digest.js';
import {
  type GraphNode,
  graphEvent,
  type RoomGraph,
  roomGraph,
} from '../../src/node/room-graph.js';
import { currentStateTriples, stateDigest } from '../../src/node/state-digest.js';
import { partitionable, type Server } from '../federation/convergence/helpers.js';
import { newNode, text } from './helpers.js';
import { join, keysOf, RemoteRoom, remoteServer, roomWithRemoteMember } from './inbound/remote.js';

const graphOf = (s: Server, roomId: string) => roomGraph(s.store, roomId);
const digestOf = (s: Server, roomId: string) => stateDigest(s.store, roomId);

function nodeOf(graph: RoomGraph, eventId: string): GraphNode {
  const node = graph.nodes.find((n) => n.eventId === eventId);
  if (node === undefined) throw new Error(`${eventId} is not in the graph`);
  return node;
}

/** Each graph node's children (the nodes citing it as a prev event). */
function children(graph: RoomGraph, eventId: string): string[] {
  return graph.nodes.filter((n) => n.prevEvents.includes(eventId)).map((n) => n.eventId);
}

async function forkedRoom() {
  const net = await partitionable(2);
  const [a, b] = net.servers as [Server, Server];
  const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Pool' });
  await b.fed.joinRoom(roomId, [a.name]);
  await net.heal();
  await net.tick();
  return { ...net, a, b, roomId };
}

describe('roomGraph and stateDigest across a partition', () => {
  it('shows the fork, both heads, the merge, and digests that differ then agree', async () => {
    const { a, b, roomId, partition, heal, tick, drain, errors } = await forkedRoom();
    // B may change the name on its side of the partition.
    await a.node.setPowerLevel(roomId, b.user, 50);
    await heal();
    const before = await graphOf(a, roomId);
    expect(before.heads).toHaveLength(1);
    const base = before.heads[0]!;
    expect(await digestOf(a, roomId)).toBe(await digestOf(b, roomId));

    partition([[a], [b]]);
    await tick();
    const fromA = await a.node.setTopic(roomId, 'Tea');
    const fromB = await b.node.sendMessage(roomId, text('hello from B'));
    const nameB = await b.node.setName(roomId, 'Pool (B)');
    await drain();

    // Each side sees only its own branch, and the state differs.
    const aSplit = await graphOf(a, roomId);
    expect(aSplit.heads).toEqual([fromA]);
    expect(nodeOf(aSplit, fromA).prevEvents).toEqual([base]);
    expect(aSplit.nodes.map((n) => n.eventId)).not.toContain(fromB);
    const bSplit = await graphOf(b, roomId);
    expect(bSplit.heads).toEqual([nameB]);
    expect(nodeOf(bSplit, fromB).prevEvents).toEqual([base]);
    expect(nodeOf(bSplit, nameB).prevEvents).toEqual([fromB]);
    const [digestA, digestB] = [await digestOf(a, roomId), await digestOf(b, roomId)];
    expect(digestA).not.toBe(digestB);
    expect(digestA).toMatch(/^[A-Za-z0-9_-]{12}$/);

    await tick();
    await heal();
    // Healed: two branches off one event, two heads on both nodes, one state.
    for (const s of [a, b]) {
      const graph = await graphOf(s, roomId);
      expect(children(graph, base).sort()).toEqual([fromA, fromB].sort());
      expect([...graph.heads].sort()).toEqual([fromA, nameB].sort());
      expect(nodeOf(graph, fromA)).toMatchObject({
        type: 'm.room.topic',
        stateKey: '',
        isState: true,
        status: 'accepted',
        sender: a.user,
      });
      expect(nodeOf(graph, fromB)).toMatchObject({ isState: false, status: 'accepted' });
      expect(nodeOf(graph, fromB).stateKey).toBeUndefined();
    }
    expect(await digestOf(a, roomId)).toBe(await digestOf(b, roomId));
    expect(await digestOf(a, roomId)).not.toBe(digestA);

    // The next event merges the branches: it cites both heads and is the one head.
    const merge = await a.node.sendMessage(roomId, text('merged'));
    await heal();
    for (const s of [a, b]) {
      const graph = await graphOf(s, roomId);
      expect([...nodeOf(graph, merge).prevEvents].sort()).toEqual([fromA, nameB].sort());
      expect(graph.heads).toEqual([merge]);
      expect(graph.nodes.at(-1)?.eventId).toBe(merge);
      // Every prev event of a timeline event is in the graph (the room is small).
      const ids = new Set(graph.nodes.map((n) => n.eventId));
      for (const n of graph.nodes) {
        if (n.streamOrder !== undefined && n.type !== 'm.room.create') {
          for (const p of n.prevEvents) expect(ids.has(p)).toBe(true);
        }
      }
      expect(graph.truncated).toBe(false);
    }
    expect(await digestOf(a, roomId)).toBe(await digestOf(b, roomId));
    // The store's digest is the digest of the state the node itself shows.
    const shown = (await b.node.roomState(roomId)).state;
    expect(await digestOf(b, roomId)).toBe(
      stateDigestOf(shown.map((e): StateTriple => [e.type, e.stateKey, e.eventId])),
    );
    expect(errors).toEqual([]);
  });

  it('marks a losing partition-era message soft-failed on the node that learns it late', async () => {
    const { a, b, roomId, partition, heal, tick, drain } = await forkedRoom();
    partition([[a], [b]]);
    await tick();
    await a.node.kick(roomId, b.user, 'bye');
    const late = await b.node.sendMessage(roomId, text('still here?'));
    await drain();
    expect(await digestOf(a, roomId)).not.toBe(await digestOf(b, roomId));
    await tick();
    await heal();
    expect(nodeOf(await graphOf(a, roomId), late).status).toBe('soft_failed');
    expect(nodeOf(await graphOf(b, roomId), late).status).toBe('accepted');
    // Soft failure is each node's own judgement; the resolved state is the same.
    expect(await digestOf(a, roomId)).toBe(await digestOf(b, roomId));
  });

  it('limits the graph to the newest events and says it was cut', async () => {
    const { a, roomId } = await forkedRoom();
    const sent = await a.node.sendMessages(
      roomId,
      Array.from({ length: 12 }, (_, i) => text(`m${i}`)),
    );
    const graph = await roomGraph(a.store, roomId, { limit: 5 });
    expect(graph.nodes.map((n) => n.eventId)).toEqual(sent.slice(-5));
    expect(graph.truncated).toBe(true);
    const orders = graph.nodes.map((n) => n.streamOrder ?? -1);
    expect(orders).toEqual([...orders].sort((x, y) => x - y));
  });

  it('returns the stored PDU for the JSON panel, and refuses unknown rooms and bad limits', async () => {
    const { a, b, roomId } = await forkedRoom();
    const heads = (await graphOf(b, roomId)).heads;
    const json = await graphEvent(b.store, roomId, heads[0]!);
    expect(json).toMatchObject({ event_id: heads[0], room_id: roomId, hashes: expect.any(Object) });
    expect(json?.signatures).toHaveProperty(b.name);
    expect(await graphEvent(b.store, roomId, '$nope')).toBeUndefined();
    const notFound = expect.objectContaining({ errcode: 'M_NOT_FOUND' });
    await expect(roomGraph(a.store, '!nowhere:x')).rejects.toEqual(notFound);
    await expect(graphEvent(a.store, '!nowhere:x', heads[0]!)).rejects.toEqual(notFound);
    await expect(stateDigest(a.store, '!nowhere:x')).rejects.toEqual(notFound);
    for (const limit of [0, -1, 1.5, 100_000]) {
      await expect(roomGraph(a.store, roomId, { limit })).rejects.toMatchObject({
        errcode: 'M_INVALID_PARAM',
      });
    }
  });
});

describe('roomGraph with a rejected event', () => {
  it('shows a rejected event, with its reason, where a later event cites it', async () => {
    const remote = remoteServer('remote.example', 7);
    const other = remoteServer('other.example', 9);
    const keyLookup = keysOf(remote, other);
    const t = await newNode();
    const roomId = await t.node.createRoom({ preset: 'public_chat', roomVersion: '12' });
    const room = new RemoteRoom(t.store, roomId, '12');
    const heads = await room.syncHeads();
    const bob = '@bob:remote.example';
    const bobJoin = await room.event(remote, {
      type: 'm.room.member',
      stateKey: bob,
      sender: bob,
      content: join,
    });
    // Carol never joined: her message fails auth.
    const stranger = await room.event(other, {
      type: 'm.room.message',
      sender: '@carol:other.example',
      content: text('hi'),
    });
    const after = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('after'),
      prev: [stranger.eventId, bobJoin.eventId as EventId],
    });
    const report = await t.node.receivePdus(
      'remote.example',
      [bobJoin.pdu, stranger.pdu, after.pdu],
      { keyLookup },
    );
    expect(report.outcomes[stranger.eventId]?.status).toBe('rejected');
    const graph = await roomGraph(t.store, roomId);
    expect(nodeOf(graph, stranger.eventId)).toMatchObject({
      status: 'rejected',
      statusReason: expect.stringMatching(/not joined/),
      isState: false,
    });
    expect(nodeOf(graph, stranger.eventId).streamOrder).toBeUndefined();
    expect(nodeOf(graph, after.eventId).prevEvents).toEqual([stranger.eventId, bobJoin.eventId]);
    expect(nodeOf(graph, bobJoin.eventId).prevEvents).toEqual(heads.slice(-1));
    expect(graph.heads).toEqual([after.eventId]);
    // The rejected event changes nothing: the state digest is the one computed from the state.
    const triples = await currentStateTriples(t.store, roomId);
    expect(triples.map(([, , id]) => id)).not.toContain(stranger.eventId);
    expect(triples.map(([type, key]) => `${type}|${key}`)).toContain(`m.room.member|${bob}`);
  });
});

describe('roomGraph bounds the events without a stream order', () => {
  it('keeps at most `limit` rejected events and says the graph is cut', async () => {
    const remote = remoteServer('remote.example', 7);
    const other = remoteServer('other.example', 9);
    const keyLookup = keysOf(remote, other);
    const t = await newNode();
    const bob = '@bob:remote.example';
    const { roomId, room, joinEvent: bobJoin } = await roomWithRemoteMember(t, remote, bob);
    // Six strangers' messages side by side after bob's join: all fail auth...
    const strangers = [];
    for (let i = 0; i < 6; i++) {
      strangers.push(
        await room.event(other, {
          type: 'm.room.message',
          sender: '@carol:other.example',
          content: text(`stranger ${i}`),
          prev: [bobJoin.eventId as EventId],
        }),
      );
    }
    // ...and bob's next message cites all six: the graph would pull every one in.
    const after = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('after'),
      prev: strangers.map((s) => s.eventId as EventId),
    });
    const report = await t.node.receivePdus(
      'remote.example',
      [...strangers.map((s) => s.pdu), after.pdu],
      { keyLookup },
    );
    for (const s of strangers) expect(report.outcomes[s.eventId]?.status).toBe('rejected');
    expect(report.outcomes[after.eventId]?.status).toBe('accepted');
    const limit = 2;
    const graph = await roomGraph(t.store, roomId, { limit });
    const offStream = graph.nodes.filter((n) => n.streamOrder === undefined);
    expect(offStream).toHaveLength(limit);
    expect(graph.truncated).toBe(true);
    const ids = new Set(strangers.map((s) => s.eventId as string));
    expect(offStream.every((n) => ids.has(n.eventId) && n.status === 'rejected')).toBe(true);
    const whole = await roomGraph(t.store, roomId, { limit: 50 });
    expect(whole.nodes.filter((n) => n.streamOrder === undefined)).toHaveLength(6);
    expect(whole.truncated).toBe(false);
  });
});
