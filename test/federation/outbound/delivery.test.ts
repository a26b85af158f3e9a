import { describe, expect, it } from 'vitest';
import type { ServerName } from '../../../src/core/ids.js';
import type { JsonObject } from '../../../src/core/json.js';
import { edu, indices, outboundSetup, pdu, settleUntil } from './setup.js';

describe('OutboundQueue delivery', () => {
  it('batches 120 PDUs + 30 EDUs as 50/50/20 PDUs, EDUs with their neighbours, in order', async () => {
    const run = await outboundSetup(1);
    const [b] = run.receivers;
    const { queue } = await run.openQueue();
    // Every fifth item is an EDU: 150 items, send order = index order.
    for (let i = 0; i < 150; i++) await queue.enqueue([b!.name], i % 5 === 4 ? edu(i) : pdu(i));
    await queue.start();
    await queue.whenIdle();

    const txns = b!.received;
    expect(txns.map((t) => [t.pdus.length, t.edus.length])).toEqual([
      [50, 12], // items 0..61: the 51st PDU (item 62) waits for the next one
      [50, 13], // items 62..124
      [20, 5], // items 125..149
    ]);
    // Each transaction is the next contiguous run of the queue.
    const runs = txns.map((t) => [...indices(t.pdus), ...indices(t.edus)].sort((x, y) => x - y));
    expect(runs.flat()).toEqual(Array.from({ length: 150 }, (_, i) => i));
    for (const t of txns) {
      expect(t.origin).toBe(run.sender.name);
      expect(t.body.origin).toBe(run.sender.name);
      expect(t.body.origin_server_ts).toBe(run.now());
      expect(indices(t.pdus)).toEqual([...indices(t.pdus)].sort((x, y) => x - y));
    }
    expect(new Set(txns.map((t) => t.txnId)).size).toBe(3);
    expect(run.events.filter((e) => e.type === 'sent')).toHaveLength(3);
    expect(await queue.status()).toEqual([
      { destination: b!.name, queued: 0, inFlight: 0, failures: 0 },
    ]);
  });

  it('sends 250 EDUs as 100/100/50, with no pdus beyond an empty list', async () => {
    const run = await outboundSetup(1);
    const [b] = run.receivers;
    const { queue } = await run.openQueue();
    await queue.start();
    for (let i = 0; i < 250; i++) await queue.enqueue([b!.name], edu(i));
    await queue.whenIdle();
    const all = b!.received.flatMap((t) => indices(t.edus));
    expect(all).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(Math.max(...b!.received.map((t) => t.edus.length))).toBeLessThanOrEqual(100);
    expect(b!.received.every((t) => t.pdus.length === 0)).toBe(true);
  });

  it('queues one event for each destination in one write, skipping duplicates and us', async () => {
    const run = await outboundSetup(2);
    const [b, c] = run.receivers;
    const { queue, store } = await run.openQueue();
    const self = run.sender.name as ServerName;
    const seqs = await queue.enqueue([b!.name, c!.name, b!.name, self], pdu(1));
    expect(seqs).toHaveLength(2);
    const stored = await store.read(['outbound'], async (txn) => ({
      b: await txn.outbound.peek(b!.name, 10),
      c: await txn.outbound.peek(c!.name, 10),
      self: await txn.outbound.count(self),
    }));
    expect(stored.b.map((i) => i.seq)).toEqual([seqs[0]]);
    expect(stored.c.map((i) => i.seq)).toEqual([seqs[1]]);
    expect(stored.self).toBe(0);
    // Not started: nothing is sent yet.
    expect(b!.received).toHaveLength(0);
    await queue.start();
    await queue.whenIdle();
    expect([b!.received.length, c!.received.length]).toEqual([1, 1]);
  });

  it('refuses a payload canonical JSON cannot carry, writing nothing', async () => {
    const run = await outboundSetup(1);
    const [b] = run.receivers;
    const { queue, store } = await run.openQueue();
    await expect(queue.enqueue([b!.name], { pdu: { bad: 1.5 } })).rejects.toMatchObject({
      errcode: 'M_BAD_JSON',
    });
    expect(await store.read(['outbound'], (txn) => txn.outbound.count(b!.name))).toBe(0);
  });

  it('keeps sending to one destination while another is unreachable', async () => {
    const run = await outboundSetup(2);
    const [b, c] = run.receivers;
    const { queue } = await run.openQueue();
    await queue.start();
    run.network.setOffline(c!.name);
    for (let i = 0; i < 3; i++) await queue.enqueue([b!.name, c!.name], pdu(i));
    await queue.whenIdle();

    expect(b!.received.flatMap((t) => indices(t.pdus))).toEqual([0, 1, 2]);
    expect(c!.received).toHaveLength(0);
    const status = await queue.status();
    const byName = new Map(status.map((s) => [s.destination, s]));
    expect(byName.get(b!.name)).toEqual({
      destination: b!.name,
      queued: 0,
      inFlight: 0,
      failures: 0,
    });
    expect(byName.get(c!.name)).toEqual({
      destination: c!.name,
      queued: 3,
      inFlight: 0,
      failures: 1,
      retryAt: run.now() + 1_000,
    });
  });

  it('reports refused PDUs without retrying them', async () => {
    const run = await outboundSetup(1);
    const [b] = run.receivers;
    b!.respond = (txn) => ({
      body: {
        pdus: Object.fromEntries(
          txn.pdus.map((p): [string, JsonObject] => [
            String(p.event_id),
            p.i === 1 ? { error: 'auth failed' } : {},
          ]),
        ),
      },
    });
    const { queue } = await run.openQueue();
    await queue.start();
    for (let i = 0; i < 3; i++) await queue.enqueue([b!.name], pdu(i));
    await queue.whenIdle();
    expect(run.events.filter((e) => e.type === 'pdu-error')).toEqual([
      {
        type: 'pdu-error',
        destination: b!.name,
        txnId: expect.any(String),
        eventId: '$e1',
        error: 'auth failed',
      },
    ]);
    expect(b!.received.flatMap((t) => indices(t.pdus))).toEqual([0, 1, 2]);
    expect((await queue.status())[0]).toMatchObject({ queued: 0, failures: 0 });
  });

  it('status shows the transaction in flight', async () => {
    const run = await outboundSetup(1);
    const [b] = run.receivers;
    const { queue } = await run.openQueue();
    for (let i = 0; i < 60; i++) await queue.enqueue([b!.name], pdu(i));
    // Every leg of the link takes 100 ms on the manual clock.
    run.network.setLinkConditions(run.sender.name, b!.name, { delayMs: 100 });
    await queue.start();
    // The first request is on the wire once the clock has a sleeper.
    await settleUntil(() => run.clock.pending > 0);
    expect(await queue.status()).toEqual([
      { destination: b!.name, queued: 60, inFlight: 50, failures: 0 },
    ]);
    // Key fetch for the X-Matrix check, then both transactions: a few 100 ms legs.
    for (let i = 0; i < 20 && b!.received.length < 2; i++) await run.clock.advance(100);
    await run.clock.advance(100);
    await queue.whenIdle();
    expect(await queue.status()).toEqual([
      { destination: b!.name, queued: 0, inFlight: 0, failures: 0 },
    ]);
    expect(b!.received.map((t) => t.pdus.length)).toEqual([50, 10]);
  });
});
