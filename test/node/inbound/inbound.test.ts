import { describe, expect, it } from 'vitest';
import type { EventId } from '../../../src/core/ids.js';
import { stateKeyOf } from '../../../src/core/pdu.js';
import { dumpAll, newNode, reopen, type TestNode, text } from '../helpers.js';
import { type Built, forger, join, keysOf, remoteServer, roomWithRemoteMember } from './remote.js';

const remote = remoteServer('remote.example', 7);
const other = remoteServer('other.example', 9);
const bob = '@bob:remote.example';
const carol = '@carol:other.example';
const keyLookup = keysOf(remote, other);

/** A public room created locally, with bob (remote) joined through a received join. */
async function setup(version: '10' | '11' | '12' = '12') {
  const t = await newNode();
  const made = await roomWithRemoteMember(t, remote, bob, version, keyLookup);
  const { roomId, room, joinEvent: bobJoin, report } = made;
  expect(report.outcomes[bobJoin.eventId]).toEqual({ status: 'accepted' });
  return { t, roomId, room, bobJoin };
}

function receive(t: TestNode, events: Built[], fetchMissing?: () => Promise<unknown[]>) {
  return t.node.receivePdus(
    'remote.example',
    events.map((e) => e.pdu),
    fetchMissing === undefined ? { keyLookup } : { keyLookup, fetchMissing },
  );
}

async function recordOf(t: TestNode, id: EventId) {
  return t.store.read(['events'], (txn) => txn.events.get(id));
}

async function roomRecord(t: TestNode, roomId: string) {
  return (await t.store.read(['rooms'], (txn) => txn.rooms.get(roomId as never)))!;
}

async function currentState(t: TestNode, roomId: string) {
  const record = await roomRecord(t, roomId);
  return t.store.read(['stateGroups'], (txn) => txn.stateGroups.resolve(record.stateGroup));
}

describe('inbound PDUs', () => {
  it('checks but neither fetches nor writes until `proceed` says go on', async () => {
    const { t, roomId, room } = await setup();
    const hello = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('hi'),
    });
    const before = await dumpAll(t.factory, t.name);
    let fetched = 0;
    const fetchMissing = async () => {
      fetched++;
      return [];
    };
    const stopped = await t.node.receivePdus('remote.example', [hello.pdu], {
      keyLookup,
      fetchMissing,
      proceed: Promise.resolve(false),
    });
    expect(stopped.outcomes[hello.eventId]).toBeUndefined();
    expect(await dumpAll(t.factory, t.name)).toEqual(before);
    expect(fetched).toBe(0);

    let go!: (value: boolean) => void;
    const gate = new Promise<boolean>((resolve) => {
      go = resolve;
    });
    const receiving = t.node.receivePdus('remote.example', [hello.pdu], {
      keyLookup,
      proceed: gate,
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await recordOf(t, hello.eventId)).toBeUndefined();
    go(true);
    expect((await receiving).outcomes[hello.eventId]).toEqual({ status: 'accepted' });
    expect((await t.node.timeline(roomId, { limit: 1 })).items[0]?.eventId).toBe(hello.eventId);
  });

  it.each(['10', '11', '12'] as const)('accepts a remote join and messages (v%s)', async (v) => {
    const { t, roomId, room, bobJoin } = await setup(v);
    const hello = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('hi'),
    });
    const changes: unknown[] = [];
    await t.node.subscribe((change) => void changes.push(change));
    const report = await receive(t, [hello]);
    expect(report.pdus).toEqual({ [hello.eventId]: {} });
    expect(changes).toContainEqual({
      kind: 'timeline',
      roomId,
      eventIds: [hello.eventId],
      items: [expect.objectContaining({ eventId: hello.eventId })],
    });
    const page = await t.node.timeline(roomId, { limit: 2 });
    expect(page.items.map((i) => i.eventId)).toEqual([hello.eventId, bobJoin.eventId]);
    expect(page.items[0]).toMatchObject({ sender: bob, status: 'accepted', content: text('hi') });
    expect((await t.node.members(roomId)).map((m) => m.userId)).toContain(bob);
    expect((await roomRecord(t, roomId)).heads).toEqual([hello.eventId]);
    // A local send afterwards builds on the remote event.
    const mine = await t.node.sendMessage(roomId, text('hello bob'));
    expect((await recordOf(t, mine as EventId))!.pdu.prev_events).toEqual([hello.eventId]);
  });

  it('resolves two remote forks with conflicting topics: both heads, the later topic wins', async () => {
    const { t, roomId, room } = await setup();
    await t.node.setPowerLevel(roomId, bob, 50);
    const parent = (await room.syncHeads())[0]!;
    const carolJoin = await room.event(other, {
      type: 'm.room.member',
      stateKey: carol,
      sender: carol,
      content: join,
    });
    await receive(t, [carolJoin]);
    await t.node.setPowerLevel(roomId, carol, 50);
    const base = (await room.syncHeads())[0]!;
    expect(base).not.toBe(parent);
    const early = await room.event(other, {
      type: 'm.room.topic',
      stateKey: '',
      sender: carol,
      content: { topic: 'carol' },
      prev: [base],
      ts: 1_900_000_000_005,
    });
    const late = await room.event(remote, {
      type: 'm.room.topic',
      stateKey: '',
      sender: bob,
      content: { topic: 'bob' },
      prev: [base],
      ts: 1_900_000_000_010,
    });
    // Delivered late-first: the order of arrival must not decide the winner.
    const report = await receive(t, [late, early]);
    expect(report.outcomes[late.eventId]!.status).toBe('accepted');
    expect(report.outcomes[early.eventId]!.status).toBe('accepted');
    expect(new Set((await roomRecord(t, roomId)).heads)).toEqual(
      new Set([late.eventId, early.eventId]),
    );
    // Same power, same mainline: the later origin_server_ts is applied last and wins.
    expect((await currentState(t, roomId)).get(stateKeyOf('m.room.topic', ''))).toBe(late.eventId);
    expect((await t.node.roomState(roomId)).topic).toBe('bob');
    // A merge event citing both heads is accepted and ends the fork.
    room.last = late.eventId;
    const merge = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('merged'),
      prev: [late.eventId, early.eventId],
    });
    expect((await receive(t, [merge])).outcomes[merge.eventId]!.status).toBe('accepted');
    expect((await roomRecord(t, roomId)).heads).toEqual([merge.eventId]);
    // Reopening gives the same heads and state.
    const before = await currentState(t, roomId);
    const again = await reopen(t);
    expect((await roomRecord(again, roomId)).heads).toEqual([merge.eventId]);
    expect(await currentState(again, roomId)).toEqual(before);
    expect((await again.node.roomState(roomId)).topic).toBe('bob');
  });

  it('drops an event with a forged signature and stores nothing', async () => {
    const { t, room } = await setup();
    const forged = await room.event(forger(remote), {
      type: 'm.room.message',
      sender: bob,
      content: text('x'),
    });
    const before = await dumpAll(t.factory, t.name);
    const report = await receive(t, [forged]);
    expect(report.pdus[forged.eventId]).toEqual({ error: expect.stringMatching(/signature/) });
    expect(report.outcomes[forged.eventId]!.status).toBe('dropped');
    expect(await dumpAll(t.factory, t.name)).toEqual(before);
  });

  it('keeps only the redacted form of an event whose content hash is wrong', async () => {
    const { t, roomId, room } = await setup();
    const built = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('real'),
    });
    const tampered = { ...built, pdu: { ...built.pdu, content: text('tampered') } };
    const report = await receive(t, [tampered]);
    expect(report.outcomes[built.eventId]).toEqual({
      status: 'accepted',
      reason: 'content hash does not match',
    });
    const stored = await recordOf(t, built.eventId);
    expect(stored!.pdu.content).toEqual({});
    expect(stored!.status).toBe('accepted');
    expect((await t.node.timeline(roomId, { limit: 1 })).items[0]!.content).toEqual({});
  });

  it('stores an event failing auth as rejected, outside the heads and the timeline', async () => {
    const { t, roomId, room } = await setup();
    const heads = (await roomRecord(t, roomId)).heads;
    const stranger = await room.event(other, {
      type: 'm.room.message',
      sender: carol,
      content: text('hi'),
    });
    const report = await receive(t, [stranger]);
    expect(report.pdus[stranger.eventId]).toEqual({});
    expect(report.outcomes[stranger.eventId]!.status).toBe('rejected');
    const stored = await recordOf(t, stranger.eventId);
    expect(stored).toMatchObject({
      status: 'rejected',
      rejectionReason: expect.stringMatching(/not joined/),
    });
    expect(stored!.streamOrder).toBeUndefined();
    expect((await roomRecord(t, roomId)).heads).toEqual(heads);
    const page = await t.node.timeline(roomId, { limit: 50 });
    expect(page.items.map((i) => i.eventId)).not.toContain(stranger.eventId);
    // Later events may cite the rejected one as a prev: the state after it is the state before it.
    const next = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('after'),
      prev: [stranger.eventId, ...heads],
    });
    expect((await receive(t, [next])).outcomes[next.eventId]!.status).toBe('accepted');
  });

  it('rejects an event whose auth_events are not what the selection names', async () => {
    const { t, room, bobJoin } = await setup();
    // A message needs the power levels and the sender's membership: the join rules are one too many.
    const state = await currentState(t, room.roomId);
    const needed = [
      state.get(stateKeyOf('m.room.power_levels', ''))!,
      bobJoin.eventId,
      state.get(stateKeyOf('m.room.join_rules', ''))!,
    ];
    const odd = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('x'),
      auth: needed,
    });
    const report = await receive(t, [odd]);
    expect(report.outcomes[odd.eventId]).toEqual({
      status: 'rejected',
      reason: expect.stringMatching(/m.room.join_rules\) is not one the event needs/),
    });
  });

  it('soft-fails an event from a user banned on another branch', async () => {
    const { t, roomId, room } = await setup();
    const carolJoin = await room.event(other, {
      type: 'm.room.member',
      stateKey: carol,
      sender: carol,
      content: join,
    });
    await receive(t, [carolJoin]);
    await t.node.ban(roomId, carol, 'spam');
    const heads = (await roomRecord(t, roomId)).heads;
    // Carol's server builds on her join, before the ban it has not seen (or pretends not to).
    const evading = await room.event(other, {
      type: 'm.room.message',
      sender: carol,
      content: text('still here'),
      prev: [carolJoin.eventId],
    });
    const report = await receive(t, [evading]);
    expect(report.pdus[evading.eventId]).toEqual({});
    expect(report.outcomes[evading.eventId]!.status).toBe('soft_failed');
    const stored = await recordOf(t, evading.eventId);
    expect(stored).toMatchObject({ status: 'soft_failed', rejectionReason: expect.any(String) });
    expect(stored!.streamOrder).toBeUndefined();
    expect(stored!.stateGroup).toBeDefined();
    expect((await roomRecord(t, roomId)).heads).toEqual(heads);
    const page = await t.node.timeline(roomId, { limit: 50 });
    expect(page.items.map((i) => i.eventId)).not.toContain(evading.eventId);
  });

  it('answers a duplicate delivery with {} and changes nothing', async () => {
    const { t, room } = await setup();
    const a = await room.event(remote, { type: 'm.room.message', sender: bob, content: text('a') });
    const bad = await room.event(other, {
      type: 'm.room.message',
      sender: carol,
      content: text('b'),
    });
    await receive(t, [a, bad]);
    const before = await dumpAll(t.factory, t.name);
    const report = await receive(t, [a, bad]);
    expect(report.pdus).toEqual({ [a.eventId]: {}, [bad.eventId]: {} });
    expect(report.outcomes[a.eventId]).toEqual({ status: 'duplicate' });
    expect(await dumpAll(t.factory, t.name)).toEqual(before);
  });

  it('judges a batch in dependency order whatever order it arrives in', async () => {
    const { t, roomId, room } = await setup();
    const chain: Built[] = [];
    for (let i = 0; i < 5; i++) {
      chain.push(
        await room.event(remote, { type: 'm.room.message', sender: bob, content: text(`m${i}`) }),
      );
    }
    const report = await receive(t, [...chain].reverse());
    expect(Object.values(report.outcomes).every((o) => o.status === 'accepted')).toBe(true);
    expect((await roomRecord(t, roomId)).heads).toEqual([chain[4]!.eventId]);
    const page = await t.node.timeline(roomId, { limit: 5 });
    expect(page.items.map((i) => i.eventId)).toEqual(chain.map((c) => c.eventId).reverse());
  });

  it('answers an event with an unknown prev event with an error and writes nothing', async () => {
    const { t, room } = await setup();
    const missing = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('gap'),
    });
    const after = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('after gap'),
    });
    const valid = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('fine'),
      prev: missing.pdu.prev_events as EventId[],
    });
    const before = await dumpAll(t.factory, t.name);
    const report = await receive(t, [after]);
    expect(report.pdus[after.eventId]).toEqual({
      error: expect.stringMatching(/missing prev events/),
    });
    expect(report.outcomes[after.eventId]!.status).toBe('pending');
    expect(await dumpAll(t.factory, t.name)).toEqual(before);
    // With fetchMissing, the gap is filled and both are accepted (the fetched one is not reported).
    const asked: unknown[] = [];
    const filled = await t.node.receivePdus('remote.example', [after.pdu, valid.pdu], {
      keyLookup,
      fetchMissing: async (request) => {
        asked.push(request.missing);
        return [missing.pdu];
      },
    });
    expect(asked).toEqual([[missing.eventId]]);
    expect(filled.outcomes[after.eventId]!.status).toBe('accepted');
    expect(filled.outcomes[missing.eventId]).toBeUndefined();
    expect((await recordOf(t, missing.eventId))!.status).toBe('accepted');
  });

  it('refuses PDUs for rooms this node is not in', async () => {
    const { t, room } = await setup();
    const built = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('x'),
    });
    const before = await dumpAll(t.factory, t.name);
    const report = await t.node.receivePdus(
      'remote.example',
      [{ ...built.pdu, room_id: '!elsewhere:remote.example' }, 42],
      { keyLookup },
    );
    expect(report.pdus).toEqual({});
    expect(report.unkeyed).toEqual([
      { index: 1, error: 'PDU has no room_id' },
      { index: 0, error: 'not in this room' },
    ]);
    expect(await dumpAll(t.factory, t.name)).toEqual(before);
  });

  it.each([
    ['own redaction', remote, bob, true],
    ['another server without power', other, carol, false],
  ] as const)(
    'applies a received redaction only when allowed: %s',
    async (_, server, sender, applies) => {
      const { t, roomId, room } = await setup();
      const carolJoin = await room.event(other, {
        type: 'm.room.member',
        stateKey: carol,
        sender: carol,
        content: join,
      });
      const target = await room.event(remote, {
        type: 'm.room.message',
        sender: bob,
        content: text('oops'),
      });
      const redaction = await room.event(server, {
        type: 'm.room.redaction',
        sender,
        content: { redacts: target.eventId },
      });
      const report = await receive(t, [carolJoin, target, redaction]);
      expect(report.outcomes[redaction.eventId]!.status).toBe('accepted');
      const stored = await recordOf(t, target.eventId);
      expect(stored!.redactedBy).toBe(applies ? redaction.eventId : undefined);
      const item = (await t.node.timeline(roomId, { limit: 2 })).items.find(
        (i) => i.eventId === target.eventId,
      );
      expect(item!.content).toEqual(applies ? {} : text('oops'));
    },
  );

  it.each(['10', '12'] as const)(
    'reads a batch of messages in two read transactions, duplicates included (v%s)',
    async (v) => {
      const { t, roomId, room, bobJoin } = await setup(v);
      const messages: Built[] = [];
      for (let i = 0; i < 20; i++) {
        messages.push(
          await room.event(remote, { type: 'm.room.message', sender: bob, content: text(`${i}`) }),
        );
      }
      const reads = countReads(t);
      // The room record, then ONE read for the batch's IDs, what they cite and the current state.
      const report = await receive(t, [bobJoin, ...messages]);
      expect(reads()).toBe(2);
      expect(report.outcomes[bobJoin.eventId]).toEqual({ status: 'duplicate' });
      for (const m of messages) expect(report.outcomes[m.eventId]).toEqual({ status: 'accepted' });
      expect((await roomRecord(t, roomId)).heads).toEqual([messages.at(-1)!.eventId]);
      expect((await t.node.timeline(roomId, { limit: 1 })).items[0]!.eventId).toBe(
        messages.at(-1)!.eventId,
      );
    },
  );

  it('still judges every event of a prefetched batch: a forged auth event is rejected', async () => {
    const { t, room } = await setup();
    const ok = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('a'),
    });
    // carol never joined: her message cites auth events that do not allow it.
    const bad = await room.event(other, {
      type: 'm.room.message',
      sender: carol,
      content: text('b'),
    });
    const after = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('c'),
    });
    const report = await receive(t, [ok, bad, after]);
    expect(report.outcomes[ok.eventId]).toEqual({ status: 'accepted' });
    expect(report.outcomes[bad.eventId]!.status).toBe('rejected');
    expect(report.outcomes[after.eventId]).toEqual({ status: 'accepted' });
  });
});

/** Counts the store's read transactions from now on. */
function countReads(t: TestNode): () => number {
  let count = 0;
  const read = t.store.read.bind(t.store);
  t.store.read = ((stores, fn) => {
    count++;
    return read(stores, fn);
  }) as typeof t.store.read;
  return () => count;
}
