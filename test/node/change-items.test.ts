import { describe, expect, it } from 'vitest';
import type { NodeChange } from '../../src/node/api.js';
import { newNode, type TestNode, text } from './helpers.js';
import { keysOf, remoteServer, roomWithRemoteMember } from './inbound/remote.js';

const remote = remoteServer('remote.example', 7);
const bob = '@bob:remote.example';
const keyLookup = keysOf(remote);

/** The timeline changes `t` emits for `roomId` while `run` runs. */
async function timelineChanges(t: TestNode, roomId: string, run: () => Promise<unknown>) {
  const heard: Extract<NodeChange, { kind: 'timeline' }>[] = [];
  const id = await t.node.subscribe((change) => {
    if (change.kind === 'timeline' && change.roomId === roomId) heard.push(change);
  });
  await run();
  await t.node.unsubscribe(id);
  return heard;
}

/** The newest `count` items as a read gives them, oldest first. */
async function newest(t: TestNode, roomId: string, count: number) {
  return (await t.node.timeline(roomId, { limit: count })).items.reverse();
}

/**
 * A timeline change carries its new events as the items a read would give,
 * so a view at the bottom shows them without reading; never when they change
 * older items (edits, redactions), which must be read again.
 */
describe('timeline change items', () => {
  it('a local send carries exactly what a read gives', async () => {
    const t = await newNode();
    const roomId = await t.node.createRoom({ name: 'Items' });
    await t.node.setProfile({ displayName: 'Alice A.' });
    const [change] = await timelineChanges(t, roomId, () =>
      t.node.sendMessages(roomId, [text('one'), text('two')]),
    );
    expect(change?.items).toHaveLength(2);
    expect(change?.items).toEqual(await newest(t, roomId, 2));
    expect(change?.items?.[0]?.senderName).toBe('Alice A.');
  });

  it('an inbound batch carries exactly what a read gives', async () => {
    const t = await newNode();
    const { roomId, room } = await roomWithRemoteMember(t, remote, bob, '12', keyLookup);
    await room.syncHeads();
    const rename = await room.event(remote, {
      type: 'm.room.member',
      stateKey: bob,
      sender: bob,
      content: { membership: 'join', displayname: 'Bob B.' },
    });
    const hello = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('hi'),
    });
    const [change] = await timelineChanges(t, roomId, () =>
      t.node.receivePdus(remote.name, [rename.pdu, hello.pdu], { keyLookup }),
    );
    expect(change?.items?.map((i) => i.eventId)).toEqual([rename.eventId, hello.eventId]);
    expect(change?.items).toEqual(await newest(t, roomId, 2));
    expect(change?.items?.[1]?.senderName).toBe('Bob B.');
  });

  it('an edit or a redaction carries no items: older items changed', async () => {
    const t = await newNode();
    const roomId = await t.node.createRoom({ name: 'Items' });
    const sent = await t.node.sendMessage(roomId, text('first'));
    const edits = await timelineChanges(t, roomId, () =>
      t.node.editMessage(roomId, sent, text('second')),
    );
    const redactions = await timelineChanges(t, roomId, () => t.node.redact(roomId, sent));
    expect(edits).toHaveLength(1);
    expect(edits[0]?.items).toBeUndefined();
    expect(redactions).toHaveLength(1);
    expect(redactions[0]?.items).toBeUndefined();
  });
});
