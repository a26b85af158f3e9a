import { describe, expect, it } from 'vitest';
import { formatFullTime } from '../../src/ui/format.js';

describe('formatFullTime', () => {
  it.each([
    ['the epoch', 0],
    ['a winter morning', 1_800_000_000_000],
    ['a summer evening', 1_752_000_000_000 + 19 * 3_600_000],
    ['a leap day', Date.UTC(2028, 1, 29, 12, 30, 45)],
  ])('reads as toLocaleString does: %s', (_label, ts) => {
    expect(formatFullTime(ts)).toBe(new Date(ts).toLocaleString());
  });
});
