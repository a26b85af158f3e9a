import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../../src/node/api.js';
import { ReadGenerations } from '../../src/ui/timeline-freshness.js';

const item = (eventId: string) => ({ eventId }) as TimelineItem;

describe('which held items may be stale', () => {
  it('holds nothing stale until the room changes', () => {
    const reads = new ReadGenerations();
    reads.mark([item('$a')], reads.current);
    expect(reads.current).toBe(0);
    expect(reads.isStale('$a')).toBe(false);
  });

  it('marks items read before a change stale, and read after it fresh', () => {
    const reads = new ReadGenerations();
    reads.mark([item('$a'), item('$b')], 0);
    reads.changed();
    expect(reads.isStale('$a')).toBe(true);
    reads.mark([item('$a')], reads.current);
    expect(reads.isStale('$a')).toBe(false);
    expect(reads.isStale('$b')).toBe(true);
  });

  it('counts a read that started before the change as stale', () => {
    const reads = new ReadGenerations();
    const started = reads.current;
    reads.changed();
    reads.mark([item('$a')], started);
    expect(reads.isStale('$a')).toBe(true);
  });

  it('forgets dropped items, and everything on clear', () => {
    const reads = new ReadGenerations();
    reads.changed();
    reads.mark([item('$a'), item('$b')], reads.current);
    reads.forget([item('$a')]);
    expect(reads.isStale('$a')).toBe(true);
    expect(reads.isStale('$b')).toBe(false);
    reads.clear();
    expect(reads.isStale('$b')).toBe(true);
  });
});
