import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../../src/node/api.js';
import { arrivalAnnouncement, unseenLabel } from '../../src/ui/timeline-arrivals.js';

function message(streamOrder: number, sender: string, senderName?: string): TimelineItem {
  return {
    eventId: `$${streamOrder}`,
    type: 'm.room.message',
    sender,
    ...(senderName === undefined ? {} : { senderName }),
    originServerTs: 0,
    content: { msgtype: 'm.text', body: 'hi' },
    status: 'accepted',
    streamOrder,
  };
}

describe('new messages in words', () => {
  it('names the sender of one message', () => {
    expect(arrivalAnnouncement([message(1, '@alice:example.org', 'Alice')])).toBe(
      'New message from Alice',
    );
  });

  it('counts several and names the sender of the newest, in either order', () => {
    const items = [message(3, '@bob:example.org', 'Bob'), message(2, '@alice:example.org')];
    expect(arrivalAnnouncement(items)).toBe('2 new messages, the last from Bob');
    expect(arrivalAnnouncement(items.toReversed())).toBe('2 new messages, the last from Bob');
  });

  it('labels the button', () => {
    expect(unseenLabel(1)).toBe('1 new message');
    expect(unseenLabel(7)).toBe('7 new messages');
  });
});
