import { describe, expect, it } from 'vitest';
import { NewestRead } from '../../src/ui/newest-read.js';

/** A read the test answers when it likes. */
function pending<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('NewestRead', () => {
  it('keeps the newest answer when an older one comes back later', async () => {
    const reads = new NewestRead();
    const seen: string[] = [];
    const older = pending<string>();
    const newer = pending<string>();
    const first = reads.run(
      () => older.promise,
      (v) => seen.push(v),
      () => seen.push('failed'),
    );
    const second = reads.run(
      () => newer.promise,
      (v) => seen.push(v),
      () => seen.push('failed'),
    );
    newer.resolve('room B');
    older.resolve('room A');
    await Promise.all([first, second]);
    expect(seen).toEqual(['room B']);
  });

  it("shows the newest read's failure, never an older one's", async () => {
    const reads = new NewestRead();
    const seen: string[] = [];
    const older = pending<string>();
    const newer = pending<string>();
    const first = reads.run(
      () => older.promise,
      (v) => seen.push(v),
      (e) => seen.push(`old ${e}`),
    );
    const second = reads.run(
      () => newer.promise,
      (v) => seen.push(v),
      (e) => seen.push(`new ${e}`),
    );
    older.reject('gone');
    newer.reject('closed');
    await Promise.all([first, second]);
    expect(seen).toEqual(['new closed']);
  });

  it('applies each answer when reads do not overlap', async () => {
    const reads = new NewestRead();
    const seen: number[] = [];
    for (const n of [1, 2, 3])
      await reads.run(
        async () => n,
        (v) => seen.push(v),
        () => {},
      );
    expect(seen).toEqual([1, 2, 3]);
  });
});
