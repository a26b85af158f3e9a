import { describe, expect, it } from 'vitest';
import type { GraphNode, RoomGraph } from '../../src/node/room-graph.js';
import { boundGraph, drawingKey } from '../../src/ui/event-graph-read.js';

const node = (eventId: string, over: Partial<GraphNode> = {}): GraphNode => ({
  eventId,
  type: 'm.room.message',
  sender: '@u:a.localhost',
  depth: 1,
  originServerTs: 0,
  prevEvents: [],
  status: 'accepted',
  isState: false,
  ...over,
});

const graph = (ids: string[], over: Partial<RoomGraph> = {}): RoomGraph => ({
  roomId: '!r:a.localhost',
  nodes: ids.map((id) => node(id)),
  heads: ids.slice(-1),
  truncated: false,
  ...over,
});

describe('boundGraph', () => {
  it('keeps a read within twice the limit as it is', () => {
    const read = graph(['$a', '$b', '$c', '$d']);
    expect(boundGraph(read, 2)).toEqual(read);
    expect(boundGraph(graph(['$a'], { truncated: true }), 2).truncated).toBe(true);
  });

  it('keeps the newest twice-the-limit events and marks the graph truncated', () => {
    const bounded = boundGraph(graph(['$a', '$b', '$c', '$d', '$e']), 2);
    expect(bounded.nodes.map((n) => n.eventId)).toEqual(['$b', '$c', '$d', '$e']);
    expect(bounded.truncated).toBe(true);
    expect(bounded.heads).toEqual(['$e']);
  });
});

describe('drawingKey', () => {
  const base = graph(['$a', '$b']);

  it('is the same for the same events, statuses and heads, whatever the words', () => {
    const reworded = {
      ...base,
      nodes: base.nodes.map((n) => ({ ...n, statusReason: 'fresher words' })),
    };
    expect(drawingKey('!r', reworded)).toBe(drawingKey('!r', base));
  });

  it.each<[string, string, RoomGraph]>([
    ['another room', '!other', base],
    ['another head', '!r', { ...base, heads: ['$a', '$b'] }],
    ['another event', '!r', graph(['$a', '$c'])],
    [
      'another status',
      '!r',
      { ...base, nodes: [node('$a'), node('$b', { status: 'soft_failed' })] },
    ],
  ])('changes with %s', (_, roomId, changed) => {
    expect(drawingKey(roomId, changed)).not.toBe(drawingKey('!r', base));
  });
});
