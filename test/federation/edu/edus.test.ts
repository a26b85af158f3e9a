import { afterEach, describe, expect, it } from 'vitest';
import type { EduChange } from '../../../src/federation/edu/edu-state.js';
import { type EduServer, eduFederation } from './helpers.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** Sends `edus` from `from` to `to` as one `/send` transaction. */
async function sendEdus(from: EduServer, to: EduServer, txnId: string, edus: object[]) {
  return from.client.request(to.name, 'PUT', `/_matrix/federation/v1/send/${txnId}`, {
    origin: from.name,
    origin_server_ts: 1,
    pdus: [],
    edus: edus as never,
  });
}

describe('EDUs: m.typing and m.receipt', () => {
  it('typing from B reaches A, is reported to listeners and times out after 30 s', async () => {
    const fed = await eduFederation(2);
    close = fed.close;
    const [a, b] = fed.servers as [EduServer, EduServer];
    const roomId = await fed.sharedRoom();
    const changes: EduChange[] = [];
    a.edus.state.subscribe((change) => changes.push(change));

    expect(await b.edus.sender.sendTyping(roomId, b.user, true)).toEqual([a.name]);
    expect(b.edus.state.typing(roomId)).toEqual([b.user]);
    await fed.settle();
    expect(a.edus.state.typing(roomId)).toEqual([b.user]);
    expect(changes).toEqual([{ kind: 'typing', roomId, userIds: [b.user] }]);

    await fed.clock.advance(29_000);
    expect(a.edus.state.typing(roomId)).toEqual([b.user]);
    await fed.clock.advance(1_000);
    expect(a.edus.state.typing(roomId)).toEqual([]);
    expect(changes.at(-1)).toEqual({ kind: 'typing', roomId, userIds: [] });
  });

  it('typing stops when B says so', async () => {
    const fed = await eduFederation(2);
    close = fed.close;
    const [a, b] = fed.servers as [EduServer, EduServer];
    const roomId = await fed.sharedRoom();
    await b.edus.sender.sendTyping(roomId, b.user, true);
    await fed.settle();
    await b.edus.sender.sendTyping(roomId, b.user, false);
    await fed.settle();
    expect(a.edus.state.typing(roomId)).toEqual([]);
  });

  it('a typing EDU for another server’s user, or for a user not in the room, is ignored', async () => {
    const fed = await eduFederation(3);
    close = fed.close;
    const [a, b, c] = fed.servers as [EduServer, EduServer, EduServer];
    const roomId = await fed.sharedRoom();
    const outcomes: unknown[] = [];
    const receive = a.edus.receiver.receive.bind(a.edus.receiver);
    a.edus.receiver.receive = async (origin, edus) => {
      const result = await receive(origin, edus);
      outcomes.push(...result);
      return result;
    };
    const answer = await sendEdus(b, a, 't1', [
      { edu_type: 'm.typing', content: { room_id: roomId, user_id: c.user, typing: true } },
      {
        edu_type: 'm.typing',
        content: { room_id: roomId, user_id: `@other:${b.name}`, typing: true },
      },
      { edu_type: 'm.typing', content: { room_id: roomId, user_id: b.user } },
      { edu_type: 'm.presence', content: { push: [] } },
    ]);
    expect(answer).toEqual({ pdus: {} });
    expect(a.edus.state.typing(roomId)).toEqual([]);
    expect(outcomes).toMatchObject([
      { eduType: 'm.typing', accepted: false, reason: `${c.user} is not a user of ${b.name}` },
      { eduType: 'm.typing', accepted: false, reason: expect.stringMatching(/not joined/) },
      { eduType: 'm.typing', accepted: false, reason: 'm.typing without a boolean typing' },
      { eduType: 'm.presence', accepted: false, reason: 'unsupported' },
    ]);
  });

  it('receipts arrive and are held, the latest per user', async () => {
    const fed = await eduFederation(3);
    close = fed.close;
    const [a, b, c] = fed.servers as [EduServer, EduServer, EduServer];
    const roomId = await fed.sharedRoom();
    const first = await a.node.sendMessage(roomId, { msgtype: 'm.text', body: 'one' });
    await fed.settle();
    const second = await a.node.sendMessage(roomId, { msgtype: 'm.text', body: 'two' });
    await fed.settle();
    const changes: EduChange[] = [];
    a.edus.state.subscribe((change) => changes.push(change));

    expect(await b.edus.sender.sendReceipt(roomId, b.user, first)).toEqual([a.name, c.name].sort());
    await fed.settle();
    await b.edus.sender.sendReceipt(roomId, b.user, second);
    await c.edus.sender.sendReceipt(roomId, c.user, first, { threadId: 'main' });
    await fed.settle();

    expect(a.edus.state.receipt(roomId, b.user)).toEqual({
      userId: b.user,
      eventIds: [second],
      ts: fed.now(),
    });
    expect(a.edus.state.receipt(roomId, c.user, 'main')?.eventIds).toEqual([first]);
    expect(c.edus.state.receipt(roomId, b.user)?.eventIds).toEqual([second]);
    expect(a.edus.state.receipts(roomId)).toHaveLength(2);
    expect(changes.map((change) => change.kind)).toEqual(['receipt', 'receipt', 'receipt']);
  });

  it('receipts for another server’s user or without data.ts are ignored; others in the EDU are kept', async () => {
    const fed = await eduFederation(3);
    close = fed.close;
    const [a, b, c] = fed.servers as [EduServer, EduServer, EduServer];
    const roomId = await fed.sharedRoom();
    await sendEdus(b, a, 'r1', [
      {
        edu_type: 'm.receipt',
        content: {
          [roomId]: {
            'm.read': {
              [b.user]: { event_ids: ['$e1'], data: { ts: 5 } },
              [c.user]: { event_ids: ['$e1'], data: { ts: 5 } },
            },
          },
          '!unknown:nowhere': { 'm.read': { [b.user]: { event_ids: ['$e1'], data: { ts: 5 } } } },
        },
      },
      {
        edu_type: 'm.receipt',
        content: { [roomId]: { 'm.read': { [b.user]: { event_ids: ['$e2'] } } } },
      },
    ]);
    expect(a.edus.state.receipts(roomId)).toEqual([{ userId: b.user, eventIds: ['$e1'], ts: 5 }]);
    expect(a.edus.state.receipts('!unknown:nowhere')).toEqual([]);
  });

  it('EDUs from a server the room’s ACL denies are ignored; the transaction still succeeds', async () => {
    const fed = await eduFederation(3);
    close = fed.close;
    const [a, b, c] = fed.servers as [EduServer, EduServer, EduServer];
    const roomId = await fed.sharedRoom();
    await a.node.setState(roomId, 'm.room.server_acl', '', { allow: ['*'], deny: [c.name] });
    await fed.settle();

    const answer = await sendEdus(c, a, 'acl1', [
      { edu_type: 'm.typing', content: { room_id: roomId, user_id: c.user, typing: true } },
      {
        edu_type: 'm.receipt',
        content: { [roomId]: { 'm.read': { [c.user]: { event_ids: ['$e'], data: { ts: 1 } } } } },
      },
    ]);
    expect(answer).toEqual({ pdus: {} });
    expect(a.edus.state.typing(roomId)).toEqual([]);
    expect(a.edus.state.receipts(roomId)).toEqual([]);

    await b.edus.sender.sendTyping(roomId, b.user, true);
    await fed.settle();
    expect(a.edus.state.typing(roomId)).toEqual([b.user]);
  });

  it('the sender refuses users of other servers and rooms the user is not joined to', async () => {
    const fed = await eduFederation(2);
    close = fed.close;
    const [a, b] = fed.servers as [EduServer, EduServer];
    const roomId = await a.node.createRoom({ name: 'Alone', preset: 'public_chat' });
    await expect(a.edus.sender.sendTyping(roomId, b.user, true)).rejects.toMatchObject({
      errcode: 'M_FORBIDDEN',
    });
    await expect(b.edus.sender.sendReceipt(roomId, b.user, '$x')).rejects.toMatchObject({
      errcode: 'M_NOT_FOUND',
    });
    expect(await a.edus.sender.sendTyping(roomId, a.user, true)).toEqual([]);
  });
});
