/**
 * The timeline as the UI shows it: newest first, edit events hidden (their
 * originals show the newest edit's `m.new_content`), redacted events with
 * empty content, sender names from the room's member events. Tokens are
 * stream orders as decimal strings.
 */
import { InvalidInputError } from '../core/errors.js';
import type { RoomId } from '../core/ids.js';
import { isJsonObject } from '../core/json.js';
import type { Pdu } from '../core/pdu.js';
import type { EventRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { EventsStore } from '../store/stores/events-store.js';
import type { TimelineItem, TimelinePage } from './api.js';

/** The most items one page may ask for. */
export const MAX_PAGE_LIMIT = 1000;

/** Looks up a sender's display name in the room state. */
export type SenderNames = (userId: string) => string | undefined;

/** True for an `m.replace` edit: the timeline shows it through its original, not on its own. */
export function isEdit(pdu: Pdu): boolean {
  const relation = pdu.content['m.relates_to'];
  return isJsonObject(relation) && relation.rel_type === 'm.replace';
}

/** One page of `roomId`'s timeline. `from` is a previous page's `next`. */
export function readTimeline(
  store: Store,
  roomId: RoomId,
  options: { from?: string; limit: number },
  names: SenderNames,
): Promise<TimelinePage> {
  const limit = options.limit;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new InvalidInputError(`A timeline page holds 1 to ${MAX_PAGE_LIMIT} events`);
  }
  let before: number | undefined;
  if (options.from !== undefined) {
    if (!/^-?[0-9]{1,16}$/.test(options.from)) {
      throw new InvalidInputError(`"${options.from}" is not a timeline position`);
    }
    before = Number(options.from);
  }
  return store.read(['events'], async (txn) => {
    const items: TimelineItem[] = [];
    for (;;) {
      const page = await txn.events.timeline(roomId, { before, limit: limit - items.length });
      for (const record of page.events) {
        if (!isEdit(record.pdu)) items.push(await timelineItem(txn.events, record, names));
      }
      before = page.next;
      // Stop when the page is full or the room has nothing older. Edits hidden
      // from a page are made up from older events, so pages stay full.
      if (items.length >= limit || before === undefined) break;
    }
    return before === undefined ? { items } : { items, next: String(before) };
  });
}

/** The room's newest timeline item (edits shown through their originals), if any. */
export function newestItem(
  store: Store,
  roomId: RoomId,
  names: SenderNames,
): Promise<TimelineItem | undefined> {
  return store.read(['events'], async (txn) => {
    const record = await txn.events.newest(roomId, (r) => isEdit(r.pdu));
    return record === undefined ? undefined : timelineItem(txn.events, record, names);
  });
}

/** A stored event as a timeline item, with its newest edit or its redaction applied. */
export async function timelineItem(
  events: EventsStore,
  record: EventRecord,
  names: SenderNames,
): Promise<TimelineItem> {
  const item = plainItem(record, names);
  if (record.redactedBy !== undefined) {
    item.redactedBy = record.redactedBy;
    item.content = {};
  } else if (record.editedBy !== undefined) {
    const edit = await events.get(record.editedBy);
    const replacement = edit?.pdu.content['m.new_content'];
    // A redacted edit no longer says anything: the original shows through.
    if (edit !== undefined && edit.redactedBy === undefined && isJsonObject(replacement)) {
      item.content = replacement;
      item.editedBy = { eventId: edit.eventId, originServerTs: edit.pdu.origin_server_ts };
    }
  }
  return item;
}

/** A new event, as the change notice for it carries it. */
export interface FreshEvent {
  eventId: EventRecord['eventId'];
  pdu: Pdu;
  streamOrder: number;
}

/**
 * Events just accepted into the timeline as the items a read would give,
 * oldest first, so a view at the bottom can show them without reading the
 * store. Undefined when one of them changes an older item (an edit, a
 * redaction): the view must then read the items it holds again.
 */
export function freshItems(
  events: readonly FreshEvent[],
  names: SenderNames,
): TimelineItem[] | undefined {
  if (events.some(({ pdu }) => isEdit(pdu) || pdu.type === 'm.room.redaction')) return undefined;
  return events.map(({ eventId, pdu, streamOrder }) =>
    plainItem({ eventId, pdu, status: 'accepted', streamOrder }, names),
  );
}

/** The item of a record as sent, before edits and redactions. */
function plainItem(
  record: Pick<EventRecord, 'eventId' | 'pdu' | 'status' | 'streamOrder' | 'rejectionReason'>,
  names: SenderNames,
): TimelineItem {
  const { pdu } = record;
  const item: TimelineItem = {
    eventId: record.eventId,
    type: pdu.type,
    sender: pdu.sender,
    originServerTs: pdu.origin_server_ts,
    content: pdu.content,
    status: record.status,
    streamOrder: record.streamOrder ?? 0,
  };
  const name = names(pdu.sender);
  if (name !== undefined) item.senderName = name;
  if (pdu.state_key !== undefined) item.stateKey = pdu.state_key;
  if (record.rejectionReason !== undefined) item.statusReason = record.rejectionReason;
  return item;
}
