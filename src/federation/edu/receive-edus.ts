/**
 * The EDUs of an inbound `/send` transaction, judged one by one. Nothing here
 * can fail the transaction: what is not accepted is reported and ignored.
 *
 * - `m.typing` (server-server API, "Typing Notifications": "Receiving servers
 *   should verify that the user is in the room, and is a user belonging to
 *   the sending server"): the user's server is the origin, the room is ours,
 *   its server ACL lets the origin in, the user is joined in its current state.
 * - `m.receipt` ("Receipts"), per room: the room is ours and its ACL lets the
 *   origin in (else every receipt of that room is ignored, as the ACL section
 *   says); per user: their server is the origin and they are joined.
 * - Anything else (presence, device lists, to-device): ignored, unsupported.
 */
import { isValidUserId, serverNameOf } from '../../core/identifiers.js';
import type { RoomId } from '../../core/ids.js';
import { isJsonObject } from '../../core/json.js';
import { RoomReadsForFederation } from '../../node/room-reads-for-federation.js';
import type { RoomRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { aclAllows } from '../rooms/room-acl.js';
import { readReceipts, readTyping } from './edu-shapes.js';
import type { EduState } from './edu-state.js';

/** What happened to one EDU (or one receipt of a receipt EDU), for logs and tests. */
export interface EduOutcome {
  eduType: string;
  roomId?: string;
  userId?: string;
  accepted: boolean;
  /** Why it was ignored. */
  reason?: string;
}

/** What the receiver needs. */
export interface EduReceiverOptions {
  store: Store;
  state: EduState;
}

/** Judges inbound EDUs and records the accepted ones in the EDU state. */
export class EduReceiver {
  constructor(private readonly options: EduReceiverOptions) {}

  /** Judges `edus` from `origin` (already authenticated) in order. */
  async receive(origin: string, edus: readonly unknown[]): Promise<EduOutcome[]> {
    const outcomes: EduOutcome[] = [];
    for (const edu of edus) {
      if (!isJsonObject(edu) || typeof edu.edu_type !== 'string' || !isJsonObject(edu.content)) {
        outcomes.push({ eduType: '?', accepted: false, reason: 'not an EDU' });
        continue;
      }
      try {
        if (edu.edu_type === 'm.typing') outcomes.push(await this.typing(origin, edu.content));
        else if (edu.edu_type === 'm.receipt')
          outcomes.push(...(await this.receipts(origin, edu.content)));
        else outcomes.push({ eduType: edu.edu_type, accepted: false, reason: 'unsupported' });
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        outcomes.push({ eduType: edu.edu_type, accepted: false, reason });
      }
    }
    return outcomes;
  }

  private async typing(origin: string, content: Parameters<typeof readTyping>[0]) {
    const typing = readTyping(content);
    if ('error' in typing) return { eduType: 'm.typing', accepted: false, reason: typing.error };
    const { roomId, userId } = typing;
    const outcome = { eduType: 'm.typing', roomId, userId };
    const opened = await this.openFor(origin, roomId);
    const refusal =
      'refusal' in opened ? opened.refusal : await userRefusal(origin, opened, userId);
    if (refusal !== undefined) return { ...outcome, accepted: false, reason: refusal };
    this.options.state.setTyping(roomId, userId, typing.typing);
    return { ...outcome, accepted: true };
  }

  private async receipts(origin: string, content: Parameters<typeof readReceipts>[0]) {
    const outcomes: EduOutcome[] = [];
    for (const room of readReceipts(content)) {
      const { roomId } = room;
      for (const { userId, reason } of room.invalid) {
        outcomes.push({ eduType: 'm.receipt', roomId, userId, accepted: false, reason });
      }
      const opened = await this.openFor(origin, roomId);
      for (const receipt of room.receipts) {
        const { userId } = receipt;
        const refusal =
          'refusal' in opened ? opened.refusal : await userRefusal(origin, opened, userId);
        if (refusal === undefined) this.options.state.setReceipt(roomId, receipt);
        outcomes.push({
          eduType: 'm.receipt',
          roomId,
          userId,
          accepted: refusal === undefined,
          ...(refusal === undefined ? {} : { reason: refusal }),
        });
      }
    }
    return outcomes;
  }

  /** The room for EDUs from `origin`, or why it may not speak about it: unknown room, denied by its ACL. */
  private async openFor(origin: string, roomId: string): Promise<OpenedRoom | { refusal: string }> {
    const reads = new RoomReadsForFederation(this.options.store, roomId as RoomId);
    const room = await reads.room();
    if (room === undefined) return { refusal: 'not in this room' };
    if (!(await aclAllows(reads, room, origin))) {
      return { refusal: `${origin} is denied by the server ACL of ${roomId}` };
    }
    return { reads, room };
  }
}

interface OpenedRoom {
  reads: RoomReadsForFederation;
  room: RoomRecord;
}

/** Why `origin` may not speak for `userId` in the room, or undefined when it may. */
async function userRefusal(
  origin: string,
  { reads, room }: OpenedRoom,
  userId: string,
): Promise<string | undefined> {
  if (!isValidUserId(userId) || serverNameOf(userId) !== origin) {
    return `${userId} is not a user of ${origin}`;
  }
  const member = await reads.currentStateContent(room, 'm.room.member', userId);
  if (member?.membership !== 'join') return `${userId} is not joined to ${room.roomId}`;
  return undefined;
}
