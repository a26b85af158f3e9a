import { describe, expect, it } from 'vitest';
import type { ServerName } from '../../../src/core/ids.js';
import { PEEK_LIMIT, transactionId } from '../../../src/federation/outbound/batch.js';
import { QueueHead } from '../../../src/federation/outbound/queue-head.js';
import type { QueuedOutbound } from '../../../src/store/records.js';
import { outboundSetup, pdu, settleUntil } from './setup.js';

const dest = 'b.example' as ServerName;

/** PDU items with the given sequence numbers. */
function pdus(...seqs: number[]): QueuedOutbound[] {
  return seqs.map((seq) => ({ destination: dest, kind: 'pdu', payload: { seq }, seq }));
}

/** The sequence numbers of the head's next batch, or what it says instead. */
function next(head: QueueHead): number[] | 'empty' | 'unknown' {
  const cut = head.cut();
  if ('batch' in cut) return cut.batch.seqs;
  return 'empty' in cut ? 'empty' : 'unknown';
}

describe('QueueHead', () => {
  it('knows nothing until it has read the store, then follows enqueues and removals', () => {
    const head = new QueueHead(300);
    expect(next(head)).toBe('unknown');
    head.enqueued(pdus(1));
    expect(next(head)).toBe('unknown');
    head.readDone(head.readStarted(), pdus(1, 2), PEEK_LIMIT);
    expect(next(head)).toEqual([1, 2]);
    head.enqueued(pdus(3, 4));
    expect(next(head)).toEqual([1, 2, 3, 4]);
    head.removed([1, 2, 3, 4]);
    expect(next(head)).toBe('empty');
  });

  it('merges what was enqueued during a read, on either side of its snapshot, once', () => {
    const head = new QueueHead(300);
    const token = head.readStarted();
    head.enqueued(pdus(5)); // committed before the read's snapshot: the read has it too
    head.enqueued(pdus(6)); // committed after it
    head.readDone(token, pdus(2, 5), PEEK_LIMIT);
    expect(next(head)).toEqual([2, 5, 6]);
  });

  it('treats a full read as a prefix: cuts from it only while later items cannot matter', () => {
    const head = new QueueHead(300);
    const stored = pdus(...Array.from({ length: PEEK_LIMIT }, (_, i) => i + 1));
    head.readDone(head.readStarted(), stored, PEEK_LIMIT);
    head.enqueued(pdus(1000)); // beyond the prefix: not held
    expect(next(head)).toEqual(stored.slice(0, 50).map((item) => item.seq));
    head.removed(stored.slice(0, 100).map((item) => item.seq));
    // 50 PDUs left: a 51st (or an EDU) may follow in the store.
    expect(next(head)).toBe('unknown');
  });

  it('reads again after a late or forgotten enqueue instead of trusting a gap', () => {
    const head = new QueueHead(300);
    head.readDone(head.readStarted(), pdus(1, 2, 3), PEEK_LIMIT);
    head.removed([1, 2, 3]);
    head.enqueued(pdus(2)); // announced after it was read, sent and removed
    expect(next(head)).toBe('unknown');

    const token = head.readStarted();
    head.forget(); // a restart while the read was out: it may have missed items
    head.readDone(token, pdus(7), PEEK_LIMIT);
    expect(next(head)).toBe('unknown');
  });

  it('holds at most its cap, as a prefix', () => {
    const head = new QueueHead(60);
    head.readDone(head.readStarted(), [], PEEK_LIMIT);
    head.enqueued(pdus(...Array.from({ length: 70 }, (_, i) => i + 1)));
    expect(next(head)).toHaveLength(50);
    head.removed(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(next(head)).toBe('unknown');
  });
});

describe('transactionId', () => {
  it('names signed PDUs by their content hashes: a new hash is a new ID', () => {
    const a = { type: 'm.room.message', hashes: { sha256: 'AAAA' }, content: { body: 'x' } };
    const b = { ...a, hashes: { sha256: 'BBBB' } };
    expect(transactionId([1], [a], [])).toBe(transactionId([1], [{ ...a }], []));
    expect(transactionId([1], [a], [])).not.toBe(transactionId([1], [b], []));
    expect(transactionId([1, 2], [a], [{ edu_type: 'm.typing' }])).not.toBe(
      transactionId([1, 2], [a], [{ edu_type: 'm.receipt' }]),
    );
  });
});

describe('OutboundQueue with its queue head', () => {
  it('sends everything queued while a transaction is out, in order, without duplicates', async () => {
    const run = await outboundSetup(1);
    const [b] = run.receivers;
    const { queue } = await run.openQueue();
    run.network.setLinkConditions(run.sender.name, b!.name, { delayMs: 100 });
    await queue.start();
    await queue.enqueueAll([0, 1, 2].map((i) => ({ destinations: [b!.name], message: pdu(i) })));
    await settleUntil(() => run.clock.pending > 0);
    for (let i = 3; i < 70; i++) await queue.enqueue([b!.name], pdu(i));
    // Until the sender heard back about all 70 (the last response leg included).
    const delivered = () =>
      run.events.reduce((sum, event) => sum + (event.type === 'sent' ? event.pdus : 0), 0);
    for (let i = 0; i < 200 && delivered() < 70; i++) await run.clock.advance(100);
    await queue.whenIdle();
    const sent = b!.received.flatMap((t) => t.pdus.map((p) => p.event_id));
    expect(sent).toEqual(Array.from({ length: 70 }, (_, i) => `$e${i}`));
    expect(await queue.status()).toEqual([
      { destination: b!.name, queued: 0, inFlight: 0, failures: 0 },
    ]);
  });
});
