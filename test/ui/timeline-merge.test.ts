import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../../src/node/api.js';
import {
  lowerBound,
  mergePage,
  previousMemberContents,
  rememberPreviousMembers,
} from '../../src/ui/timeline-merge.js';

/** A message item at stream position `order`, with `body`. */
function item(order: number, body = `message ${order}`): TimelineItem {
  return {
    eventId: `$e${order}`,
    type: 'm.room.message',
    sender: '@alice:example.org',
    originServerTs: 1_700_000_000_000 + order,
    content: { msgtype: 'm.text', body },
    status: 'accepted',
    streamOrder: order,
  };
}

/** Items at these stream positions, oldest first. */
function list(...orders: number[]): TimelineItem[] {
  return orders.map((order) => item(order));
}

const orders = (items: readonly TimelineItem[]) => items.map((i) => i.streamOrder);

describe('lowerBound', () => {
  it.each([
    [[], 5, 0],
    [[1, 3, 5], 0, 0],
    [[1, 3, 5], 1, 0],
    [[1, 3, 5], 2, 1],
    [[1, 3, 5], 5, 2],
    [[1, 3, 5], 6, 3],
  ])('in %j, %i goes at %i', (at, order, expected) => {
    expect(lowerBound(list(...at), order)).toBe(expected);
  });
});

describe('mergePage', () => {
  it('appends new events (a page is newest first) and reports them as added', () => {
    const { items, added } = mergePage(list(1, 2, 3), [item(6), item(5), item(4)]);
    expect(orders(items)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(orders(added)).toEqual([4, 5, 6]);
  });

  it('replaces an item read again (an edit or a redaction changed it), adding nothing', () => {
    const before = list(1, 2, 3);
    const edited = { ...item(2, 'edited'), editedBy: { eventId: '$edit', originServerTs: 9 } };
    const { items, added } = mergePage(before, [item(3), edited]);
    expect(items[1]).toBe(edited);
    expect(added).toEqual([]);
    expect(before[1]?.content.body).toBe('message 2');
  });

  it('keeps the object of an item that has not changed', () => {
    const before = list(1, 2);
    const { items } = mergePage(before, [item(2), item(1)]);
    expect(items[0]).toBe(before[0]);
    expect(items[1]).toBe(before[1]);
  });

  it('inserts an item missing in the middle in stream order', () => {
    const { items, added } = mergePage(list(1, 3, 5), [item(6), item(4), item(2)]);
    expect(orders(items)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(orders(added)).toEqual([2, 4, 6]);
  });

  it('fills an empty list', () => {
    expect(orders(mergePage([], [item(2), item(1)]).items)).toEqual([1, 2]);
  });

  it('returns a new array (Lit sees a change)', () => {
    const before = list(1);
    expect(mergePage(before, []).items).not.toBe(before);
  });
});

describe('previousMemberContents', () => {
  it("gives each membership event the member's content before it", () => {
    const member = (order: number, user: string, content: Record<string, string>) => ({
      ...item(order),
      type: 'm.room.member',
      stateKey: user,
      content,
    });
    const items = [
      member(1, '@a:x', { membership: 'join' }),
      item(2),
      member(3, '@b:x', { membership: 'invite' }),
      member(4, '@a:x', { membership: 'join', displayname: 'A' }),
      member(5, '@b:x', { membership: 'leave' }),
    ];
    const previous = previousMemberContents(items);
    expect(previous.get('$e1')).toBeUndefined();
    expect(previous.has('$e2')).toBe(false);
    expect(previous.get('$e4')).toEqual({ membership: 'join' });
    expect(previous.get('$e5')).toEqual({ membership: 'invite' });
  });
});

describe('rememberPreviousMembers', () => {
  const member = (order: number, content: Record<string, string>) => ({
    ...item(order),
    type: 'm.room.member',
    stateKey: '@a:x',
    content,
  });

  it('keeps what items since dropped told, and forgets the oldest beyond the cap', () => {
    const known = new Map();
    const join = member(1, { membership: 'join' });
    const rename = member(4, { membership: 'join', displayname: 'A' });
    rememberPreviousMembers(known, [join, rename], 10);
    expect(known.get('$e4')).toEqual({ membership: 'join' });
    // The join was dropped from the window: the rename's previous content stays known.
    rememberPreviousMembers(known, [rename, member(6, { membership: 'leave' })], 10);
    expect(known.get('$e4')).toEqual({ membership: 'join' });
    expect(known.get('$e6')).toEqual({ membership: 'join', displayname: 'A' });
    rememberPreviousMembers(known, [], 1);
    expect([...known.keys()]).toEqual(['$e6']);
  });
});
