import { describe, expect, it } from 'vitest';
import { MatrixError } from '../../../src/core/errors.js';
import type { OutboundEvent } from '../../../src/federation/outbound/outbound-events.js';
import { acceptAll, indices, outboundSetup, pdu } from './setup.js';

type Retry = Extract<OutboundEvent, { type: 'retry' }>;
const retries = (events: OutboundEvent[]) => events.filter((e): e is Retry => e.type === 'retry');

describe('OutboundQueue faults', () => {
  it('backs off 1 s, 2 s, 4 s ... up to 1 h, never early, then delivers on wake', async () => {
    const run = await outboundSetup(1);
    const [b] = run.receivers;
    const { queue } = await run.openQueue();
    await queue.start();
    run.network.setOffline(b!.name);
    await queue.enqueue([b!.name], pdu(0));
    await queue.whenIdle();

    for (let k = 1; k <= 15; k++) {
      const delay = Math.min(1_000 * 2 ** (k - 1), 3_600_000);
      const last = retries(run.events).at(-1)!;
      expect([last.failures, last.retryAt - run.now()]).toEqual([k, delay]);
      expect((await queue.status())[0]).toMatchObject({ failures: k, retryAt: last.retryAt });
      await run.clock.advance(delay - 1);
      await queue.whenIdle();
      expect(retries(run.events)).toHaveLength(k); // not a millisecond early
      await run.clock.advance(1);
      await queue.whenIdle();
    }
    expect(retries(run.events).at(-1)!.retryAt - run.now()).toBe(3_600_000);
    // Every retry resent the same batch under the same ID.
    expect(new Set(retries(run.events).map((e) => e.txnId)).size).toBe(1);

    // The peer comes back: wake ends the backoff at once.
    run.network.setOffline(b!.name, false);
    queue.wake(b!.name);
    await queue.whenIdle();
    expect(b!.received.map((t) => indices(t.pdus))).toEqual([[0]]);
    expect(await queue.status()).toEqual([
      { destination: b!.name, queued: 0, inFlight: 0, failures: 0 },
    ]);
  });

  it('keeps everything through a partition and delivers it in order after heal + wake', async () => {
    const run = await outboundSetup(1);
    const [b] = run.receivers;
    const { queue } = await run.openQueue();
    await queue.start();
    run.network.partition([[run.sender.name], [b!.name]]);
    for (let i = 0; i < 60; i++) await queue.enqueue([b!.name], pdu(i));
    await queue.whenIdle();
    expect(b!.received).toHaveLength(0);
    expect((await queue.status())[0]).toMatchObject({ queued: 60, failures: 1 });

    run.network.heal();
    queue.wake(b!.name);
    await queue.whenIdle();
    // The batch cut before the partition went first (same txnId), then the rest.
    expect(b!.received.map((t) => t.pdus.length)).toEqual([1, 50, 9]);
    expect(b!.received[0]!.txnId).toBe(retries(run.events)[0]!.txnId);
    expect(b!.received.flatMap((t) => indices(t.pdus))).toEqual(
      Array.from({ length: 60 }, (_, i) => i),
    );
    expect((await queue.status())[0]).toMatchObject({ queued: 0, failures: 0 });
  });

  it('resends a batch whose response was lost under the same txnId', async () => {
    const run = await outboundSetup(1);
    const [b] = run.receivers;
    b!.respond = (txn, call) => {
      // The receiver processes the first transaction, but its answer is lost.
      if (call === 1) run.network.partition([[run.sender.name], [b!.name]]);
      return acceptAll(txn, call);
    };
    const { queue } = await run.openQueue();
    for (let i = 0; i < 3; i++) await queue.enqueue([b!.name], pdu(i));
    await queue.start();
    await queue.whenIdle();
    expect(retries(run.events)).toMatchObject([{ failures: 1 }]);
    expect(retries(run.events)[0]!.reason).toMatch(/response lost/);

    run.network.heal();
    await run.clock.advance(1_000);
    await queue.whenIdle();
    const ids = b!.received.map((t) => t.txnId);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    expect(b!.received[1]!.body).toEqual(b!.received[0]!.body);
    expect((await queue.status())[0]).toMatchObject({ queued: 0, failures: 0 });
  });

  it('resumes after a restart: same txnId for the unanswered batch, then the rest', async () => {
    const run = await outboundSetup(1);
    const [b] = run.receivers;
    b!.respond = (txn, call) => {
      if (call === 1) run.network.partition([[run.sender.name], [b!.name]]);
      return acceptAll(txn, call);
    };
    const first = await run.openQueue();
    for (let i = 0; i < 70; i++) await first.queue.enqueue([b!.name], pdu(i));
    await first.queue.start();
    await first.queue.whenIdle();
    expect(b!.received.map((t) => t.pdus.length)).toEqual([50]);
    // The tab closes.
    first.queue.stop();
    first.store.close();

    run.network.heal();
    await run.clock.advance(60_000);
    const second = await run.openQueue();
    await second.queue.start();
    await second.queue.whenIdle();
    const txns = b!.received;
    expect(txns.map((t) => t.pdus.length)).toEqual([50, 50, 20]);
    expect(txns[1]!.txnId).toBe(txns[0]!.txnId);
    expect(txns[2]!.txnId).not.toBe(txns[0]!.txnId);
    expect(txns.slice(1).flatMap((t) => indices(t.pdus))).toEqual(
      Array.from({ length: 70 }, (_, i) => i),
    );
    expect(await second.queue.status()).toEqual([
      { destination: b!.name, queued: 0, inFlight: 0, failures: 0 },
    ]);
    second.store.close();
  });

  it.each([
    ['M_BAD_JSON', 400],
    ['M_FORBIDDEN', 403],
    ['M_UNRECOGNIZED', 404],
  ] as const)('drops a batch refused with %s (%i) and goes on', async (errcode, status) => {
    const run = await outboundSetup(1);
    const [b] = run.receivers;
    b!.respond = (txn, call) => {
      if (call === 1) throw new MatrixError(errcode, 'refused', { httpStatus: status });
      return acceptAll(txn, call);
    };
    const { queue } = await run.openQueue();
    for (let i = 0; i < 60; i++) await queue.enqueue([b!.name], pdu(i));
    await queue.start();
    await queue.whenIdle();
    expect(b!.received.map((t) => t.pdus.length)).toEqual([50, 10]);
    expect(run.events.map((e) => e.type)).toEqual(['dropped', 'sent']);
    expect(run.events[0]).toMatchObject({ pdus: 50, edus: 0, txnId: b!.received[0]!.txnId });
    expect((await queue.status())[0]).toMatchObject({ queued: 0, failures: 0 });
  });

  it.each([
    ['M_UNKNOWN', 500],
    ['M_LIMIT_EXCEEDED', 429],
    ['M_UNAUTHORIZED', 401],
  ] as const)('keeps a batch refused with %s (%i) and retries it', async (errcode, status) => {
    const run = await outboundSetup(1);
    const [b] = run.receivers;
    b!.respond = (txn, call) => {
      if (call === 1) throw new MatrixError(errcode, 'later', { httpStatus: status });
      return acceptAll(txn, call);
    };
    const { queue } = await run.openQueue();
    await queue.enqueue([b!.name], pdu(0));
    await queue.start();
    await queue.whenIdle();
    expect((await queue.status())[0]).toMatchObject({ queued: 1, failures: 1 });
    await run.clock.advance(1_000);
    await queue.whenIdle();
    expect(b!.received.map((t) => t.txnId)).toEqual([b!.received[0]!.txnId, b!.received[0]!.txnId]);
    expect(run.events.map((e) => e.type)).toEqual(['retry', 'sent']);
  });

  it('stop cancels retries and start resumes at once', async () => {
    const run = await outboundSetup(1);
    const [b] = run.receivers;
    const { queue } = await run.openQueue();
    run.network.setOffline(b!.name);
    await queue.enqueue([b!.name], pdu(0));
    await queue.start();
    await queue.whenIdle();
    queue.stop();
    expect((await queue.status())[0]).toEqual({
      destination: b!.name,
      queued: 1,
      inFlight: 0,
      failures: 1,
    });
    await run.clock.advance(10_000);
    await queue.whenIdle();
    expect(retries(run.events)).toHaveLength(1);
    // Stopped: neither new items nor wake send anything.
    run.network.setOffline(b!.name, false);
    await queue.enqueue([b!.name], pdu(1));
    queue.wake(b!.name);
    await queue.whenIdle();
    expect(b!.received).toHaveLength(0);

    await queue.start();
    await queue.whenIdle();
    expect(b!.received.map((t) => indices(t.pdus))).toEqual([[0], [1]]);
  });
});
