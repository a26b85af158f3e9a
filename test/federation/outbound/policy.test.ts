import { describe, expect, it } from 'vitest';
import type { ServerName } from '../../../src/core/ids.js';
import { backoffDelay } from '../../../src/federation/outbound/backoff.js';
import { cutBatch, sendPath, transactionId } from '../../../src/federation/outbound/batch.js';
import { classifyFailure } from '../../../src/federation/outbound/classify-failure.js';
import {
  BadRemoteResponseError,
  RemoteMatrixError,
} from '../../../src/federation/remote-errors.js';
import { seededRandom } from '../../../src/federation/seeded-random.js';
import {
  TransportTimeoutError,
  TransportUnreachableError,
} from '../../../src/federation/transport-errors.js';
import type { QueuedOutbound } from '../../../src/store/records.js';

const dest = 'b.example' as ServerName;

/** Queue items: `p` for a PDU, `e` for an EDU, seqs from 1. */
function items(kinds: string): QueuedOutbound[] {
  return [...kinds].map((k, i) => ({
    destination: dest,
    kind: k === 'p' ? 'pdu' : 'edu',
    payload: { i },
    seq: i + 1,
  }));
}

describe('cutBatch', () => {
  it('takes the head in order and stops at the first item that does not fit', () => {
    const cases: [string, string, number, number, number][] = [
      // [name, kinds, items taken, pdus, edus]
      ['empty', '', 0, 0, 0],
      ['50 PDUs fit', 'p'.repeat(50), 50, 50, 0],
      ['51st PDU waits', 'p'.repeat(51), 50, 50, 0],
      ['100 EDUs fit', 'e'.repeat(100), 100, 0, 100],
      ['101st EDU waits', 'e'.repeat(101), 100, 0, 100],
      ['EDUs after the 51st PDU wait too', `${'p'.repeat(51)}eee`, 50, 50, 0],
      ['both limits at once', `${'pe'.repeat(50)}${'e'.repeat(60)}p`, 150, 50, 100],
      ['PDUs after the 101st EDU wait', `${'e'.repeat(101)}p`, 100, 0, 100],
    ];
    for (const [name, kinds, taken, pdus, edus] of cases) {
      const batch = cutBatch(items(kinds));
      const got = batch ? [batch.seqs.length, batch.pdus.length, batch.edus.length] : [0, 0, 0];
      expect(`${name}: ${got}`).toBe(`${name}: ${[taken, pdus, edus]}`);
      if (batch) expect(batch.seqs).toEqual(Array.from({ length: taken }, (_, i) => i + 1));
    }
  });

  it('names a batch by its seqs and content: stable for a retry, new for new content', () => {
    const a = cutBatch(items('ppe'))!;
    expect(cutBatch(items('ppe'))!.txnId).toBe(a.txnId);
    expect(a.txnId).toMatch(/^1-3-[A-Za-z0-9_-]{12}$/);
    // Same seqs, other content (a database recreated after an identity import).
    expect(transactionId(a.seqs, [{ other: 1 }], a.edus)).not.toBe(a.txnId);
    expect(transactionId([4, 5], a.pdus, [])).not.toBe(transactionId([1, 2], a.pdus, []));
    expect(sendPath('1-3-a_b')).toBe('/_matrix/federation/v1/send/1-3-a_b');
  });
});

describe('backoffDelay', () => {
  it('doubles from 1 s and stops at the 1 h cap', () => {
    const zero = () => 0;
    const schedule = Array.from({ length: 15 }, (_, i) => backoffDelay(i + 1, zero));
    expect(schedule).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 1_024_000,
      2_048_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
    expect(backoffDelay(10_000, zero)).toBe(3_600_000);
    expect(backoffDelay(3, zero, { initialMs: 10, maxMs: 25 })).toBe(25);
  });

  it('takes off up to 20 % at random, never above the nominal delay', () => {
    const random = seededRandom(42);
    const delays = Array.from({ length: 200 }, () => backoffDelay(5, random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(12_800);
    expect(Math.max(...delays)).toBeLessThanOrEqual(16_000);
    expect(new Set(delays).size).toBeGreaterThan(100);
    // Seeded: the same seed gives the same jitter.
    const again = seededRandom(42);
    expect(Array.from({ length: 200 }, () => backoffDelay(5, again))).toEqual(delays);
  });
});

describe('classifyFailure', () => {
  it('retries what may work later, drops refusals, counts unreadable 2xx as delivered', () => {
    const remote = (status: number) => new RemoteMatrixError('b', status, 'M_X', 'no');
    const cases: [string, unknown, string][] = [
      ['unreachable', new TransportUnreachableError('b', 'partitioned'), 'retry'],
      ['timeout', new TransportTimeoutError('b'), 'retry'],
      ['500', remote(500), 'retry'],
      ['503', remote(503), 'retry'],
      ['429', remote(429), 'retry'],
      ['408', remote(408), 'retry'],
      ['401 (receiver cannot fetch our key yet)', remote(401), 'retry'],
      ['400', remote(400), 'drop'],
      ['403', remote(403), 'drop'],
      ['404', remote(404), 'drop'],
      ['413', remote(413), 'drop'],
      ['2xx not JSON', new BadRemoteResponseError('b', 'not JSON'), 'delivered'],
      ['our bug', new TypeError('oops'), 'retry'],
    ];
    for (const [name, error, action] of cases) {
      expect(`${name}: ${classifyFailure(error).action}`).toBe(`${name}: ${action}`);
    }
    const limited = Object.assign(remote(429), { retryAfterMs: 5_000 });
    expect(classifyFailure(limited)).toMatchObject({ action: 'retry', retryAfterMs: 5_000 });
  });
});
