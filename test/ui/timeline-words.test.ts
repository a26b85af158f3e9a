import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../../src/node/api.js';
import { isShownItem } from '../../src/ui/describe-event.js';
import { nameList, seenByText, typingText } from '../../src/ui/format.js';

function item(partial: Partial<TimelineItem>): TimelineItem {
  return {
    eventId: '$e',
    type: 'm.room.message',
    sender: '@alice:example.org',
    originServerTs: 0,
    content: { msgtype: 'm.text', body: 'hi' },
    status: 'accepted',
    streamOrder: 1,
    ...partial,
  };
}

describe('typing and read marks in words', () => {
  it.each([
    [[], ''],
    [['Alice'], 'Alice is typing…'],
    [['Alice', 'Bob'], 'Alice and Bob are typing…'],
    [['Alice', 'Bob', 'Carol'], 'Alice, Bob and 1 other are typing…'],
    [['Alice', 'Bob', 'Carol', 'Dan'], 'Alice, Bob and 2 others are typing…'],
  ])('%j → %s', (names, words) => {
    expect(typingText(names)).toBe(words);
  });

  it('names up to three readers, then counts', () => {
    expect(seenByText(['Alice'])).toBe('Seen by Alice');
    expect(seenByText(['Alice', 'Bob', 'Carol'])).toBe('Seen by Alice, Bob and Carol');
    expect(seenByText(['A', 'B', 'C', 'D', 'E'])).toBe('Seen by A, B, C and 2 others');
    expect(nameList([])).toBe('');
  });
});

describe('which items the timeline shows', () => {
  const edit = item({
    content: { msgtype: 'm.text', body: '* x', 'm.relates_to': { rel_type: 'm.replace' } },
  });
  it.each([
    ['an accepted message', item({}), true, true],
    ['a rejected event', item({ status: 'rejected', statusReason: 'auth' }), false, true],
    ['a soft-failed event', item({ status: 'soft_failed' }), false, true],
    [
      'a redaction event',
      item({ type: 'm.room.redaction', content: { redacts: '$x' } }),
      false,
      true,
    ],
    ['an edit', edit, false, false],
  ])('%s: %s without developer marks, %s with', (_, event, plain, developer) => {
    expect(isShownItem(event, false)).toBe(plain);
    expect(isShownItem(event, true)).toBe(developer);
  });
});
