import { describe, expect, it } from 'vitest';
import type { ServerName } from '../../../src/core/ids.js';
import { RECEIVED_TXN_TTL_MS } from '../../../src/store/prune-txn-ids.js';
import { type Peer, publicRoomWith, roomEvents, roomNetwork, send } from './helpers.js';

const HOUR = 60 * 60 * 1000;

describe('received transaction IDs are pruned by age', () => {
  it('forgets an ID older than 24 h when a new one is written, and still detects a fresh replay', async () => {
    const net = await roomNetwork(2);
    const [a, b] = net.peers as [Peer, Peer];
    const { roomId, builder } = await publicRoomWith(a, b, net.now);
    const txnId = (id: string) =>
      a.store.read(['txnIds'], (txn) => txn.txnIds.get(b.name as ServerName, id));

    const old = await builder.message('old');
    await send(b, a, 'txn-old', [old.pdu]);
    expect(await txnId('txn-old')).toBeDefined();

    // An hour later: nothing is old enough yet.
    await net.clock.advance(HOUR);
    const recent = await builder.message('recent');
    await send(b, a, 'txn-recent', [recent.pdu]);
    expect(await txnId('txn-old')).toBeDefined();

    // A day after the first: the next write drops it, keeps the one from an hour later.
    await net.clock.advance(RECEIVED_TXN_TTL_MS - HOUR + 1);
    const fresh = await builder.message('fresh');
    const answer = await send(b, a, 'txn-fresh', [fresh.pdu]);
    expect(await txnId('txn-old')).toBeUndefined();
    expect(await txnId('txn-recent')).toBeDefined();
    expect(await txnId('txn-fresh')).toMatchObject({ result: answer });

    // A replay of the fresh ID is still answered from the store, processing nothing.
    const before = await roomEvents(a.store, roomId);
    const never = await builder.message('never processed');
    expect(await send(b, a, 'txn-fresh', [never.pdu])).toEqual(answer);
    expect(await roomEvents(a.store, roomId)).toEqual(before);
  });
});
