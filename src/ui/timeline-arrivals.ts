import type { TimelineItem } from '../node/api.js';
import { senderLabel } from './describe-event.js';

/**
 * What the timeline says about new messages: the live region's words for the
 * ones that just arrived, and the button's for those arrived while scrolled up.
 */

/** The announcement for newly shown items (at least one), naming the sender of the newest. */
export function arrivalAnnouncement(shown: readonly TimelineItem[]): string {
  // A page is newest first; merged items oldest first: name the newest.
  const last = shown.reduce((a, b) => (b.streamOrder > a.streamOrder ? b : a));
  return shown.length === 1
    ? `New message from ${senderLabel(last)}`
    : `${shown.length} new messages, the last from ${senderLabel(last)}`;
}

/** The "new messages" button's words for `count` unseen items. */
export function unseenLabel(count: number): string {
  return count === 1 ? '1 new message' : `${count} new messages`;
}
