import { describe, expect, it } from 'vitest';
import { countText, layingOutText } from '../../src/ui/event-graph-captions.js';

const graph = (events: number, heads: number, truncated = false) => ({
  nodes: Array.from({ length: events }, (_, i) => ({ eventId: `$e${i}` })),
  heads: Array.from({ length: heads }, (_, i) => `$e${i}`),
  truncated,
});

describe('layingOutText', () => {
  it.each([
    [1, 'Laying out 1 event…'],
    [500, 'Laying out 500 events…'],
  ])('%i → %s', (count, text) => {
    expect(layingOutText(count)).toBe(text);
  });
});

describe('countText', () => {
  it.each<[string, ReturnType<typeof graph>, number | undefined, string]>([
    ['one of each', graph(1, 1), undefined, '1 event, 1 head'],
    ['plurals', graph(12, 2), undefined, '12 events, 2 heads'],
    [
      'a cut read',
      graph(1000, 1, true),
      undefined,
      '1000 events, 1 head (the newest 1000; older ones are not drawn)',
    ],
    ['a layout under way', graph(3, 1), 4, '3 events, 1 head. Laying out 4 events…'],
  ])('%s', (_, g, layingOut, text) => {
    expect(countText(g, layingOut)).toBe(text);
  });
});
