/**
 * The wire shapes of the EDUs we speak (server-server API, "Typing
 * Notifications" and "Receipts"), built and read at the boundary:
 *
 * - `m.typing`: `{edu_type, content: {room_id, user_id, typing}}`, all required;
 * - `m.receipt`: `{edu_type, content: {<room ID>: {"m.read": {<user ID>:
 *   {event_ids: [id], data: {ts, thread_id?}}}}}}`; `event_ids` has exactly
 *   one entry in the spec (we accept one or more), `data.ts` is required.
 *
 * Reading never throws: a malformed EDU (or one part of a receipt EDU) is a
 * value saying why, and is ignored by the receiver.
 */
import { isJsonObject, type JsonObject } from '../../core/json.js';
import type { ReadReceipt } from './edu-state.js';

/** A typing notification, read. */
export interface TypingEdu {
  roomId: string;
  userId: string;
  typing: boolean;
}

/** One room's part of a receipt EDU, read: the valid receipts and what was wrong with the rest. */
export interface RoomReceipts {
  roomId: string;
  receipts: ReadReceipt[];
  invalid: { userId: string; reason: string }[];
}

/** `{edu_type: 'm.typing', content}`. */
export function typingEdu(roomId: string, userId: string, typing: boolean): JsonObject {
  return { edu_type: 'm.typing', content: { room_id: roomId, user_id: userId, typing } };
}

/** `{edu_type: 'm.receipt', content}` with one user's `m.read` receipt in one room. */
export function receiptEdu(roomId: string, receipt: ReadReceipt): JsonObject {
  const data: JsonObject = { ts: receipt.ts };
  if (receipt.threadId !== undefined) data.thread_id = receipt.threadId;
  return {
    edu_type: 'm.receipt',
    content: {
      [roomId]: { 'm.read': { [receipt.userId]: { event_ids: receipt.eventIds, data } } },
    },
  };
}

/** Reads an `m.typing` content. */
export function readTyping(content: JsonObject): TypingEdu | { error: string } {
  const { room_id: roomId, user_id: userId, typing } = content;
  if (typeof roomId !== 'string') return { error: 'm.typing without a room_id' };
  if (typeof userId !== 'string') return { error: 'm.typing without a user_id' };
  if (typeof typing !== 'boolean') return { error: 'm.typing without a boolean typing' };
  return { roomId, userId, typing };
}

/** Reads an `m.receipt` content: one entry per room; rooms that are not objects are skipped. */
export function readReceipts(content: JsonObject): RoomReceipts[] {
  const rooms: RoomReceipts[] = [];
  for (const [roomId, byType] of Object.entries(content)) {
    if (!isJsonObject(byType)) continue;
    const room: RoomReceipts = { roomId, receipts: [], invalid: [] };
    const read = byType['m.read'];
    if (isJsonObject(read)) {
      for (const [userId, value] of Object.entries(read)) {
        const receipt = readOne(userId, value);
        if ('error' in receipt) room.invalid.push({ userId, reason: receipt.error });
        else room.receipts.push(receipt);
      }
    }
    rooms.push(room);
  }
  return rooms;
}

function readOne(userId: string, value: unknown): ReadReceipt | { error: string } {
  if (!isJsonObject(value)) return { error: 'receipt is not an object' };
  const { event_ids: eventIds, data } = value;
  if (
    !Array.isArray(eventIds) ||
    eventIds.length === 0 ||
    !eventIds.every((id) => typeof id === 'string')
  ) {
    return { error: 'event_ids must be a non-empty list of event IDs' };
  }
  if (!isJsonObject(data)) return { error: 'data is required' };
  if (typeof data.ts !== 'number' || !Number.isSafeInteger(data.ts)) {
    return { error: 'data.ts must be an integer' };
  }
  if (data.thread_id !== undefined && typeof data.thread_id !== 'string') {
    return { error: 'data.thread_id must be a string' };
  }
  const receipt: ReadReceipt = { userId, eventIds: eventIds as string[], ts: data.ts };
  if (typeof data.thread_id === 'string') receipt.threadId = data.thread_id;
  return receipt;
}
