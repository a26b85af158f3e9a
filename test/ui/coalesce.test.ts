import { afterEach, describe, expect, it, vi } from 'vitest';
import { coalesce } from '../../src/ui/coalesce.js';

/** A read that records when it starts and finishes when told to. */
function gatedReads() {
  const starts: number[] = [];
  const pending: (() => void)[] = [];
  const read = () =>
    new Promise<void>((resolve) => {
      starts.push(Date.now());
      pending.push(resolve);
    });
  const finish = async () => {
    pending.shift()?.();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { starts, read, finish };
}

describe('coalesce', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs one read in flight and one after it, whatever the number of calls', async () => {
    vi.useFakeTimers();
    const { starts, read, finish } = gatedReads();
    const soon = coalesce(read);
    void soon();
    for (let i = 0; i < 10; i++) void soon();
    await vi.advanceTimersByTimeAsync(0);
    expect(starts).toHaveLength(1);
    await finish();
    expect(starts).toHaveLength(2);
    await finish();
    expect(starts).toHaveLength(2);
  });

  it('with afterMs, waits before the first read and folds calls made meanwhile into it', async () => {
    vi.useFakeTimers({ now: 0 });
    const { starts, read, finish } = gatedReads();
    const soon = coalesce(read, { afterMs: 50 });
    void soon();
    await vi.advanceTimersByTimeAsync(30);
    void soon();
    expect(starts).toEqual([]);
    await vi.advanceTimersByTimeAsync(20);
    expect(starts).toEqual([50]);
    await finish();
    // The call during the wait needed no second read.
    expect(starts).toEqual([50]);
    // A call once all is done waits again; a call while a read runs gets
    // one more read, at once after it.
    void soon();
    await vi.advanceTimersByTimeAsync(60);
    expect(starts).toEqual([50, 100]);
    void soon();
    await vi.advanceTimersByTimeAsync(0);
    await finish();
    expect(starts).toEqual([50, 100, 110]);
    await finish();
  });
});
