import { describe, expect, it } from 'vitest';
import type { ServerName } from '../../src/core/ids.js';
import { freshFactory, open } from './helpers.js';

const a = 'a.example' as ServerName;
const b = 'b.example' as ServerName;

describe('outbound queue', () => {
  it('keeps per-destination order across interleaving, removal and reopen', async () => {
    const factory = freshFactory();
    const store = await open(factory);
    await store.write(['outbound'], async (txn) => {
      for (let i = 0; i < 30; i++) {
        const destination = i % 3 === 0 ? b : a;
        await txn.outbound.enqueue({
          destination,
          kind: i % 5 === 0 ? 'edu' : 'pdu',
          payload: { i },
        });
      }
    });
    const firstA = await store.read(['outbound'], (txn) => txn.outbound.peek(a, 5));
    expect(firstA.map((item) => item.payload.i)).toEqual([1, 2, 4, 5, 7]);
    expect(firstA[3]).toMatchObject({ destination: a, kind: 'edu' });
    await store.write(['outbound'], (txn) => txn.outbound.remove(firstA.map((item) => item.seq)));
    store.close();

    const reopened = await open(factory);
    const seqs = await reopened.write(['outbound'], async (txn) => {
      const late = await txn.outbound.enqueue({ destination: a, kind: 'pdu', payload: { i: 99 } });
      return { late, removed: firstA.map((item) => item.seq) };
    });
    // Sequence numbers are never reused, even after removal and reopen.
    expect(seqs.removed.every((seq) => seq < seqs.late)).toBe(true);
    const read = await reopened.read(['outbound'], async (txn) => ({
      a: await txn.outbound.peek(a, 100),
      b: await txn.outbound.peek(b, 100),
      destinations: await txn.outbound.destinations(),
      countB: await txn.outbound.count(b),
    }));
    expect(read.a.map((item) => item.payload.i)).toEqual([
      8, 10, 11, 13, 14, 16, 17, 19, 20, 22, 23, 25, 26, 28, 29, 99,
    ]);
    expect(read.b.map((item) => item.payload.i)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
    expect(read.destinations).toEqual([a, b]);
    expect(read.countB).toBe(10);
    reopened.close();
  });
});
