import { describe, expect, it } from 'vitest';
import type { NodeChange } from '../../src/node/api.js';
import { TidepoolNode } from '../../src/node/node.js';
import { freshFactory, newNode, open, text } from './helpers.js';

describe('timeline: edits, redactions, names', () => {
  it.each(['10', '11', '12'] as const)(
    'v%s: an edit replaces the content, a redaction empties it',
    async (roomVersion) => {
      const t = await newNode('alice', 21);
      const roomId = await t.node.createRoom({ roomVersion });
      const first = await t.node.sendMessage(roomId, text('first'));
      const second = await t.node.sendMessage(roomId, {
        msgtype: 'm.text',
        body: 'second',
        formattedBody: '<i>second</i>',
      });
      const edit1 = await t.node.editMessage(roomId, second, text('second, fixed'));
      const edit2 = await t.node.editMessage(roomId, second, {
        msgtype: 'm.notice',
        body: 'second, fixed again',
      });
      const redaction = await t.node.redact(roomId, first, 'spam');
      const page = await t.node.timeline(roomId, { limit: 3 });
      const ids = page.items.map((i) => i.eventId);
      expect(ids).toEqual([redaction, second, first]);
      expect(ids).not.toContain(edit1);
      const [r, s, f] = page.items;
      expect(r!.type).toBe('m.room.redaction');
      expect(s!.content).toEqual({ msgtype: 'm.notice', body: 'second, fixed again' });
      expect(s!.editedBy?.eventId).toBe(edit2);
      expect(f!.content).toEqual({});
      expect(f!.redactedBy).toBe(redaction);
      // The stored edit carries the spec's fallback and relation.
      const stored = await t.store.read(['events'], (txn) => txn.events.get(edit1 as never));
      expect(stored!.pdu.content).toEqual({
        msgtype: 'm.text',
        body: '* second, fixed',
        'm.new_content': { msgtype: 'm.text', body: 'second, fixed' },
        'm.relates_to': { rel_type: 'm.replace', event_id: second },
      });
      const red = await t.store.read(['events'], (txn) => txn.events.get(redaction as never));
      if (roomVersion === '10') expect(red!.pdu.redacts).toBe(first);
      else expect(red!.pdu.content.redacts).toBe(first);
      // Pages skip the hidden edits and still end exactly.
      const all = [];
      let from: string | undefined;
      do {
        const p = await t.node.timeline(
          roomId,
          from === undefined ? { limit: 2 } : { from, limit: 2 },
        );
        all.push(...p.items);
        from = p.next;
      } while (from !== undefined);
      expect(all.map((i) => i.eventId)).not.toContain(edit2);
      expect(all.at(-1)!.type).toBe('m.room.create');
    },
  );

  it('a redacted edit no longer shows; the original does', async () => {
    const t = await newNode('alice', 22);
    const roomId = await t.node.createRoom({});
    const msg = await t.node.sendMessage(roomId, text('original'));
    const edit = await t.node.editMessage(roomId, msg, text('edited'));
    await t.node.redact(roomId, edit);
    const item = (await t.node.timeline(roomId, { limit: 5 })).items.find(
      (i) => i.eventId === msg,
    )!;
    expect(item.content).toEqual({ msgtype: 'm.text', body: 'original' });
    expect(item.editedBy).toBeUndefined();
  });

  it('sender names come from member events, and setProfile updates them in joined rooms', async () => {
    const t = await newNode('alice', 23);
    const roomId = await t.node.createRoom({});
    await t.node.sendMessage(roomId, text('hi'));
    expect((await t.node.timeline(roomId, { limit: 1 })).items[0]!.senderName).toBeUndefined();
    await t.node.setProfile({ displayName: 'Alice' });
    expect((await t.node.identity()).displayName).toBe('Alice');
    expect((await t.node.timeline(roomId, { limit: 2 })).items[1]!.senderName).toBe('Alice');
    expect((await t.node.members(roomId))[0]!.displayName).toBe('Alice');
  });
});

describe('rooms()', () => {
  it('is sorted by last activity, with the newest item and unread count', async () => {
    const t = await newNode('alice', 24);
    const a = await t.node.createRoom({ name: 'A' });
    const b = await t.node.createRoom({ name: 'B', topic: 'bee' });
    expect((await t.node.rooms()).map((r) => r.name)).toEqual(['B', 'A']);
    const msg = await t.node.sendMessage(a, text('hello'));
    await t.node.editMessage(a, msg, text('hello!'));
    const rooms = await t.node.rooms();
    expect(rooms.map((r) => r.roomId)).toEqual([a, b]);
    expect(rooms[0]).toMatchObject({
      name: 'A',
      membership: 'join',
      joinedMembers: 1,
      unreadCount: 0,
    });
    expect(rooms[0]!.lastEvent).toMatchObject({ eventId: msg, content: { body: 'hello!' } });
    expect(rooms[1]!.topic).toBe('bee');
  });

  it('markRead sets the unread count to 0 and says so', async () => {
    const t = await newNode('alice', 25);
    const roomId = await t.node.createRoom({});
    // Unread counts grow from others' events (federation); simulate one.
    await t.store.write(['rooms'], async (txn) => {
      const record = (await txn.rooms.get(roomId as never))!;
      await txn.rooms.put({ ...record, unreadCount: 3 });
    });
    t.node.forgetRoomState(roomId);
    expect((await t.node.rooms())[0]!.unreadCount).toBe(3);
    const heard: NodeChange[] = [];
    await t.node.subscribe((c) => heard.push(c));
    await t.node.markRead(roomId);
    expect((await t.node.rooms())[0]!.unreadCount).toBe(0);
    expect(heard).toEqual([{ kind: 'rooms' }]);
  });
});

describe('subscribers', () => {
  it('hear of a change only after it is committed, and stop hearing after unsubscribe', async () => {
    const t = await newNode('alice', 26);
    const roomId = await t.node.createRoom({});
    const seen: { change: NodeChange; storedYet: boolean }[] = [];
    const pending: Promise<void>[] = [];
    const id = await t.node.subscribe((change) => {
      if (change.kind !== 'timeline') return;
      // Read the store from the listener: the events must already be there.
      pending.push(
        t.store
          .read(['events'], (txn) => txn.events.get(change.eventIds[0] as never))
          .then((found) => void seen.push({ change, storedYet: found !== undefined })),
      );
    });
    const ids = await t.node.sendMessages(roomId, [text('a'), text('b')]);
    await Promise.all(pending);
    expect(seen).toEqual([
      {
        change: { kind: 'timeline', roomId, eventIds: ids, items: expect.any(Array) },
        storedYet: true,
      },
    ]);
    const all: NodeChange[] = [];
    const second = await t.node.subscribe((c) => all.push(c));
    await t.node.setName(roomId, 'x');
    expect(all).toEqual([
      { kind: 'timeline', roomId, eventIds: [expect.any(String)], items: expect.any(Array) },
      { kind: 'state', roomId },
      { kind: 'rooms' },
    ]);
    await t.node.unsubscribe(id);
    await t.node.unsubscribe(second);
    await t.node.sendMessage(roomId, text('unheard'));
    expect(all).toHaveLength(3);
  });

  it('a throwing listener does not stop the others or the send', async () => {
    const t = await newNode('alice', 27);
    const roomId = await t.node.createRoom({});
    await t.node.subscribe(() => {
      throw new Error('broken listener');
    });
    const heard: NodeChange[] = [];
    await t.node.subscribe((c) => heard.push(c));
    await expect(t.node.sendMessage(roomId, text('x'))).resolves.toMatch(/^\$/);
    expect(heard.length).toBeGreaterThan(0);
  });
});

describe('concurrency and lifecycle', () => {
  it('two v12 rooms created alike in the same millisecond get their own IDs', async () => {
    const store = await open(freshFactory(), 'tidepool-frozen-clock');
    const frozen = 1_750_000_000_000;
    const node = await TidepoolNode.open(store, {
      createIfMissing: { localpart: 'alice' },
      now: () => frozen,
    });
    const [first, second] = await Promise.all([
      node.createRoom({ preset: 'public_chat' }),
      node.createRoom({ preset: 'public_chat' }),
    ]);
    const third = await node.createRoom({ preset: 'public_chat' });
    expect(new Set([first, second, third]).size).toBe(3);
    for (const roomId of [first, second, third]) {
      await node.sendMessage(roomId, text(`in ${roomId}`));
      expect((await node.timeline(roomId, { limit: 1 })).items[0]?.content.body).toBe(
        `in ${roomId}`,
      );
    }
    expect((await node.rooms()).length).toBe(3);
    node.close();
  });

  it('concurrent sends to one room form a single chain, no forks', async () => {
    const t = await newNode('alice', 28);
    const roomId = await t.node.createRoom({});
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.node.sendMessage(roomId, text(`m${i}`))),
    );
    const records = await t.store.read(['events'], (txn) =>
      Promise.all(ids.map((id) => txn.events.get(id as never))),
    );
    for (let i = 1; i < records.length; i++)
      expect(records[i]!.pdu.prev_events).toEqual([ids[i - 1]]);
    expect((await t.node.roomState(roomId)).heads).toEqual([ids.at(-1)]);
  });

  it('open without an identity fails in words; create stores one for a later open', async () => {
    const factory = freshFactory();
    const store = await open(factory, 'fresh');
    await expect(TidepoolNode.open(store)).rejects.toMatchObject({
      errcode: 'M_NOT_FOUND',
      message: expect.stringMatching(/no identity/),
    });
    const source = await newNode('bob', 29);
    const identityFile = await source.node.exportIdentity();
    const { parseIdentityFile } = await import('../../src/node/identity-file.js');
    const node = await TidepoolNode.create(store, parseIdentityFile(identityFile));
    expect(await node.identity()).toEqual(await source.node.identity());
    node.close();
    const reopened = await TidepoolNode.open(await open(factory, 'fresh'));
    expect((await reopened.identity()).userId).toMatch(/^@bob:/);
    const other = await newNode('carol', 30);
    await expect(
      TidepoolNode.create(
        await open(factory, 'fresh'),
        (await import('../../src/node/identity-file.js')).parseIdentityFile(
          await other.node.exportIdentity(),
        ),
      ),
    ).rejects.toMatchObject({ errcode: 'M_INVALID_PARAM' });
  });

  it('an invite to a user on another server is stored locally (delivery is not done yet)', async () => {
    const t = await newNode('alice', 31);
    const roomId = await t.node.createRoom({});
    const id = await t.node.invite(roomId, '@dave:elsewhere.example');
    expect(
      (await t.node.members(roomId)).find((m) => m.userId === '@dave:elsewhere.example'),
    ).toMatchObject({ membership: 'invite' });
    const outbound = await t.store.read(['outbound'], (txn) => txn.outbound.destinations());
    expect(outbound).toEqual([]);
    expect(id).toMatch(/^\$/);
  });
});

describe('opening a node with a long history', () => {
  it('reads no events at open: 10,000 events, open and the room list stay fast', async () => {
    const t = await newNode('alice', 32);
    const roomId = await t.node.createRoom({ name: 'Long' });
    for (let i = 0; i < 10; i++) {
      await t.node.sendMessages(
        roomId,
        Array.from({ length: 1000 }, (_, j) => text(`m ${i}-${j}`)),
      );
    }
    t.node.close();
    const store = await open(t.factory, t.name);
    const started = performance.now();
    const node = await TidepoolNode.open(store);
    const opened = performance.now() - started;
    const rooms = await node.rooms();
    const ready = performance.now() - started;
    expect(rooms[0]!.name).toBe('Long');
    // Generous bounds for fake-indexeddb in CI; what matters is no scan of 10,000 events.
    expect(opened).toBeLessThan(200);
    expect(ready).toBeLessThan(1000);
    node.close();
  });
});
