import type { TimelineItem } from '../node/api.js';
import type { PreviousMember } from './describe-event.js';

/**
 * The timeline's held items, oldest first (ascending stream order), and the
 * pages the node returns (newest first) merged into them. Pure functions; a
 * merge costs a binary search per page item, not a pass over the list.
 */

/** The first index in `items` whose stream order is ≥ `order`. */
export function lowerBound(items: readonly TimelineItem[], order: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((items[mid] as TimelineItem).streamOrder < order) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The result of a merge: the new list (a new array) and the items it did not hold before. */
export interface Merged {
  items: TimelineItem[];
  added: TimelineItem[];
  /** How many held items were replaced by a changed reading. */
  replaced: number;
}

/**
 * `page` (newest first, as the node returns it) merged into `items` (oldest
 * first): an item already held is replaced by its newer reading (an edit or a
 * redaction changed it), a new one is inserted in stream order.
 */
export function mergePage(items: readonly TimelineItem[], page: readonly TimelineItem[]): Merged {
  const result = items.slice();
  const added: TimelineItem[] = [];
  let replaced = 0;
  for (let i = page.length - 1; i >= 0; i--) {
    const item = page[i] as TimelineItem;
    const last = result.at(-1);
    if (last === undefined || item.streamOrder > last.streamOrder) {
      result.push(item);
      added.push(item);
      continue;
    }
    const at = lowerBound(result, item.streamOrder);
    const held = result[at];
    if (held?.eventId === item.eventId) {
      // Unchanged items keep their object, so their views are not rendered again.
      if (changed(held, item)) {
        result[at] = item;
        replaced++;
      }
    } else {
      result.splice(at, 0, item);
      added.push(item);
    }
  }
  return { items: result, added, replaced };
}

/**
 * Whether a new reading of an item differs from the one held. The node changes
 * a stored event's view only by an edit, a redaction or a status change.
 */
export function changed(held: TimelineItem, item: TimelineItem): boolean {
  return (
    held.redactedBy !== item.redactedBy ||
    held.editedBy?.eventId !== item.editedBy?.eventId ||
    held.status !== item.status ||
    held.statusReason !== item.statusReason ||
    held.senderName !== item.senderName
  );
}

/** For each membership event, the member's content before it (among the loaded items). */
export function previousMemberContents(
  items: readonly TimelineItem[],
): Map<string, PreviousMember> {
  const current = new Map<string, PreviousMember>();
  const previous = new Map<string, PreviousMember>();
  for (const item of items) {
    if (item.type !== 'm.room.member' || item.stateKey === undefined) continue;
    previous.set(item.eventId, current.get(item.stateKey));
    current.set(item.stateKey, item.content);
  }
  return previous;
}

/**
 * Adds to `known` what the held `items` tell of membership lines' previous
 * contents, keeping what earlier items told (they may have been dropped
 * since); at most `cap` entries, the oldest forgotten first.
 */
export function rememberPreviousMembers(
  known: Map<string, PreviousMember>,
  items: readonly TimelineItem[],
  cap: number,
): void {
  for (const [eventId, previous] of previousMemberContents(items)) {
    if (previous !== undefined || !known.has(eventId)) known.set(eventId, previous);
  }
  // A Map iterates in insertion order: the first keys are the oldest.
  for (const eventId of known.keys()) {
    if (known.size <= cap) break;
    known.delete(eventId);
  }
}
