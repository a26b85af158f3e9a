import { describe, expect, it } from 'vitest';
import {
  fromBottom,
  isNearBottom,
  isNearTop,
  prefetchSlack,
  windowLimit,
} from '../../src/ui/timeline-sizes.js';

const box = (scrollTop: number, scrollHeight: number, clientHeight: number) => ({
  scrollTop,
  scrollHeight,
  clientHeight,
});

describe('how much the timeline holds', () => {
  it.each([
    [0, true, 24],
    [600, true, 24],
    [1000, true, 38],
    [0, false, 120],
    [600, false, 120],
    [1000, false, 150],
  ])('a view %i px tall, sticky %s: %i items', (height, sticky, items) => {
    expect(windowLimit(height, sticky)).toBe(items);
  });

  it('reads ahead 600 px, or two screens of a tall view', () => {
    expect(prefetchSlack(0)).toBe(600);
    expect(prefetchSlack(300)).toBe(600);
    expect(prefetchSlack(500)).toBe(1000);
  });
});

describe('how near an end the view is', () => {
  it('measures from the bottom', () => {
    expect(fromBottom(box(0, 1000, 400))).toBe(600);
    expect(fromBottom(box(600, 1000, 400))).toBe(0);
  });

  it('is near the top within the prefetch distance, unless kept at the bottom', () => {
    expect(isNearTop(box(599, 5000, 250), false)).toBe(true);
    expect(isNearTop(box(600, 5000, 250), false)).toBe(false);
    expect(isNearTop(box(799, 5000, 400), false)).toBe(true);
    expect(isNearTop(box(0, 5000, 250), true)).toBe(false);
  });

  it('is near the top when there is too little to scroll, sticky or not', () => {
    expect(isNearTop(box(0, 401, 400), true)).toBe(true);
    expect(isNearTop(box(0, 402, 400), true)).toBe(false);
  });

  it('is near the bottom within the prefetch distance', () => {
    expect(isNearBottom(box(4151, 5000, 250))).toBe(true);
    expect(isNearBottom(box(4150, 5000, 250))).toBe(false);
    expect(isNearBottom(box(3801, 5000, 400))).toBe(true);
  });
});
