import { describe, expect, it } from 'vitest';
import { type LayoutInput, layoutGraph } from '../../src/ui/event-graph-layout.js';
import { stableShift } from '../../src/ui/event-graph-shift.js';

/** Events `from` to `to` - 1 of one chain. */
const chain = (from: number, to: number): LayoutInput[] =>
  Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    return { eventId: `$e${i}`, depth: i + 1, prevEvents: i === 0 ? [] : [`$e${i - 1}`] };
  });

/** Where each event is drawn inside the shifted group. */
const drawn = (layout: ReturnType<typeof layoutGraph>, shift: { x: number; y: number }) =>
  new Map([...layout.positions].map(([id, p]) => [id, { x: p.x - shift.x, y: p.y - shift.y }]));

describe('stableShift', () => {
  it('starts at no shift', () => {
    expect(stableShift(undefined, layoutGraph(chain(0, 5)))).toEqual({ x: 0, y: 0 });
  });

  it('keeps every remaining event at its drawn coordinates when the window slides', () => {
    const first = layoutGraph(chain(0, 40));
    const second = layoutGraph(chain(1, 41));
    const shift = stableShift({ layout: first, shift: { x: 0, y: 0 } }, second);
    // The events moved up one rank: the group moves instead of them.
    expect(shift.y).toBeLessThan(0);
    const [before, after] = [drawn(first, { x: 0, y: 0 }), drawn(second, shift)];
    for (let i = 1; i < 40; i++) expect(after.get(`$e${i}`)).toEqual(before.get(`$e${i}`));
    // Still drawn where the layout puts them.
    for (const [id, p] of after) {
      const at = second.positions.get(id);
      expect({ x: p.x + shift.x, y: p.y + shift.y }).toEqual(at);
    }
    // And again from there: shifts add up.
    const third = layoutGraph(chain(2, 42));
    const next = stableShift({ layout: second, shift }, third);
    expect(drawn(third, next).get('$e20')).toEqual(before.get('$e20'));
  });

  it('follows the move most events made, and keeps the shift when none are shared', () => {
    const first = layoutGraph(chain(0, 10));
    const appended = layoutGraph(chain(0, 11));
    // Appending at the bottom moves nobody.
    expect(stableShift({ layout: first, shift: { x: 5, y: -7 } }, appended)).toEqual({
      x: 5,
      y: -7,
    });
    const other = layoutGraph(chain(100, 110));
    expect(stableShift({ layout: first, shift: { x: 5, y: -7 } }, other)).toEqual({ x: 5, y: -7 });
  });
});
