import { describe, expect, it } from 'vitest';
import {
  type LayoutInput,
  layoutGraph,
  NODE_HEIGHT,
  NODE_WIDTH,
} from '../../src/ui/event-graph-layout.js';

const ev = (eventId: string, depth: number, ...prevEvents: string[]): LayoutInput => ({
  eventId,
  depth,
  prevEvents,
});

/** create → join → (a | b) → merge: one fork and its merge. */
const diamond = [
  ev('$create', 1),
  ev('$join', 2, '$create'),
  ev('$a', 3, '$join'),
  ev('$b', 3, '$join'),
  ev('$merge', 4, '$a', '$b'),
];

function pos(layout: ReturnType<typeof layoutGraph>, id: string) {
  const p = layout.positions.get(id);
  if (p === undefined) throw new Error(`no position for ${id}`);
  return p;
}

describe('layoutGraph', () => {
  it('puts every parent above its children', () => {
    const layout = layoutGraph(diamond);
    for (const n of diamond) {
      for (const p of n.prevEvents) {
        expect(pos(layout, p).y + NODE_HEIGHT).toBeLessThanOrEqual(pos(layout, n.eventId).y);
      }
    }
  });

  it('puts the two sides of a fork side by side, without overlap', () => {
    const layout = layoutGraph(diamond);
    const [a, b] = [pos(layout, '$a'), pos(layout, '$b')];
    expect(a.y).toBe(b.y);
    expect(Math.abs(a.x - b.x)).toBeGreaterThanOrEqual(NODE_WIDTH);
    // The merge sits below both, between them.
    const merge = pos(layout, '$merge');
    expect(merge.x).toBeGreaterThanOrEqual(Math.min(a.x, b.x));
    expect(merge.x).toBeLessThanOrEqual(Math.max(a.x, b.x));
  });

  it('draws one edge per prev event in the drawing, prev → event, top to bottom', () => {
    const layout = layoutGraph(diamond);
    const pairs = layout.edges.map((e) => `${e.from}>${e.to}`).sort();
    expect(pairs).toEqual(
      ['$create>$join', '$join>$a', '$join>$b', '$a>$merge', '$b>$merge'].sort(),
    );
    for (const edge of layout.edges) {
      expect(edge.points.length).toBeGreaterThanOrEqual(2);
      expect(edge.points[0]!.y).toBeLessThan(edge.points.at(-1)!.y);
    }
  });

  it('fits every box inside the reported size', () => {
    const layout = layoutGraph(diamond);
    for (const { x, y } of layout.positions.values()) {
      expect(x - NODE_WIDTH / 2).toBeGreaterThanOrEqual(0);
      expect(y - NODE_HEIGHT / 2).toBeGreaterThanOrEqual(0);
      expect(x + NODE_WIDTH / 2).toBeLessThanOrEqual(layout.width);
      expect(y + NODE_HEIGHT / 2).toBeLessThanOrEqual(layout.height);
    }
  });

  it('is deterministic, whatever order the events come in', () => {
    const plain = (nodes: LayoutInput[]) => {
      const l = layoutGraph(nodes);
      return { ...l, positions: Object.fromEntries([...l.positions].sort()) };
    };
    const first = plain(diamond);
    expect(plain(diamond)).toEqual(first);
    expect(plain([...diamond].reverse())).toEqual(first);
    expect(
      plain([diamond[3]!, diamond[0]!, diamond[4]!, diamond[1]!, diamond[2]!]).positions,
    ).toEqual(first.positions);
  });

  it('leaves out prev events older than the window and names who cites them', () => {
    const layout = layoutGraph([ev('$x', 10, '$old'), ev('$y', 11, '$x', '$older')]);
    expect(layout.edges.map((e) => [e.from, e.to])).toEqual([['$x', '$y']]);
    expect(layout.dangling).toEqual(['$x', '$y']);
    expect([...layout.positions.keys()].sort()).toEqual(['$x', '$y']);
  });

  it('lays out an empty graph and a long chain', () => {
    expect(layoutGraph([]).positions.size).toBe(0);
    const chain = Array.from({ length: 300 }, (_, i) =>
      ev(`$e${i}`, i + 1, ...(i === 0 ? [] : [`$e${i - 1}`])),
    );
    const layout = layoutGraph(chain);
    const ys = chain.map((n) => pos(layout, n.eventId).y);
    expect(ys).toEqual([...ys].sort((p, q) => p - q));
    expect(new Set(ys).size).toBe(300);
  });
});
