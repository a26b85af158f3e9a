import { describe, expect, it } from 'vitest';
import { nodeClasses, pathOf } from '../../src/ui/event-graph-svg.js';

describe('pathOf', () => {
  it('moves to the first point and draws lines through the rest, less the shift', () => {
    const points = [
      { x: 10, y: 20 },
      { x: 15.25, y: 40 },
      { x: 10, y: 60.04 },
    ];
    expect(pathOf(points, { x: 0, y: 0 })).toBe('M 10.0 20.0 L 15.3 40.0 L 10.0 60.0');
    expect(pathOf(points, { x: 10, y: -5 })).toBe('M 0.0 25.0 L 5.3 45.0 L 0.0 65.0');
  });

  it('is empty without points', () => {
    expect(pathOf([], { x: 1, y: 1 })).toBe('');
  });
});

describe('nodeClasses', () => {
  // The e2e tests and the bench find boxes by these classes (g.node, g.node.head).
  const classes = (...args: Parameters<typeof nodeClasses>) =>
    nodeClasses(...args)
      .split(' ')
      .filter((c) => c !== '');

  it.each<[string, Parameters<typeof nodeClasses>, string[]]>([
    [
      'an accepted event',
      [{ status: 'accepted', isState: false }, false, false],
      ['node', 'accepted'],
    ],
    [
      'a selected state head',
      [{ status: 'accepted', isState: true }, true, true],
      ['node', 'accepted', 'state', 'head', 'selected'],
    ],
    [
      'a soft-failed event',
      [{ status: 'soft_failed', isState: false }, false, false],
      ['node', 'soft_failed'],
    ],
    [
      'a rejected event',
      [{ status: 'rejected', isState: false }, false, false],
      ['node', 'rejected'],
    ],
    [
      'an outlier',
      [{ status: 'outlier', isState: true }, false, false],
      ['node', 'outlier', 'state'],
    ],
  ])('%s', (_, args, expected) => {
    expect(classes(...args)).toEqual(expected);
  });
});
