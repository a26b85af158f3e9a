import { describe, expect, it } from 'vitest';
import type { GraphNode } from '../../src/node/room-graph.js';
import { nodeAriaLabel, nodeLines, shortType } from '../../src/ui/event-graph-labels.js';

const key = 'knoyled74knj44bt6rsqwaigpauw7nzbht4zqpsxv2v67b2jpyoq';
const node = (over: Partial<GraphNode>): GraphNode => ({
  eventId: '$e',
  type: 'm.room.message',
  sender: `@u:${key}.localhost`,
  depth: 7,
  originServerTs: 0,
  prevEvents: ['$p'],
  status: 'accepted',
  isState: false,
  streamOrder: 3,
  ...over,
});

describe('shortType', () => {
  it.each([
    ['m.room.member', 'member'],
    ['m.room.power_levels', 'power_levels'],
    ['m.reaction', 'reaction'],
    ['org.example.custom', 'org.example.custom'],
    ['org.example.a.very.long.event.type', 'org.example.a.ver…'],
  ])('%s → %s', (type, short) => {
    expect(shortType(type)).toBe(short);
  });
});

describe('nodeLines', () => {
  const table: [string, Partial<GraphNode>, boolean, [string, string, string]][] = [
    ['a message', {}, false, ['message', '@u:knoyled7….localhost', '']],
    [
      'a state event that is a head',
      { type: 'm.room.topic', stateKey: '', isState: true },
      true,
      ['topic (state)', '@u:knoyled7….localhost', '▲ head'],
    ],
    [
      'a rejected event',
      { status: 'rejected' },
      false,
      ['message', '@u:knoyled7….localhost', '✕ rejected'],
    ],
    [
      'a soft-failed head',
      { status: 'soft_failed' },
      true,
      ['message', '@u:knoyled7….localhost', '⚠ soft-failed · ▲ head'],
    ],
    [
      'an outlier',
      { status: 'outlier' },
      false,
      ['message', '@u:knoyled7….localhost', '◌ outlier'],
    ],
    [
      'a long sender',
      { sender: '@someone-with-a-long-name:example.org' },
      false,
      ['message', '@someone-with-a-long-…', ''],
    ],
  ];
  it.each(table)('%s', (_, over, isHead, lines) => {
    expect(nodeLines(node(over), isHead)).toEqual(lines);
  });
});

describe('nodeAriaLabel', () => {
  it('says type, sender, status with its reason, head, depth and parents in words', () => {
    const label = nodeAriaLabel(
      node({ status: 'soft_failed', statusReason: 'sender is banned', prevEvents: ['$a', '$b'] }),
      true,
    );
    expect(label).toBe(
      `m.room.message by @u:${key}.localhost, soft-failed: sender is banned, a forward extremity (head), depth 7, merges 2 branches`,
    );
  });

  it('names state events and the first event', () => {
    const create = node({ type: 'm.room.create', stateKey: '', isState: true, prevEvents: [] });
    expect(nodeAriaLabel(create, false)).toBe(
      `m.room.create state event by @u:${key}.localhost, depth 7, no parents`,
    );
  });
});
