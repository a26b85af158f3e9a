/**
 * Typing notifications and read receipts of our own users, sent to the
 * room's other servers (every server with a joined member in the current
 * state) through the outbound queue, and recorded in our own EDU state so
 * the UI sees them like anyone else's. The server ACL does not limit whom we
 * send to: the spec asks servers to keep sending to denied servers while
 * they are still residents.
 */
import { MatrixError } from '../../core/errors.js';
import { serverNameOf } from '../../core/identifiers.js';
import type { RoomId, ServerName } from '../../core/ids.js';
import { splitStateKey } from '../../core/pdu.js';
import { RoomReadsForFederation } from '../../node/room-reads-for-federation.js';
import type { Store } from '../../store/store.js';
import type { OutboundQueue } from '../outbound/outbound-queue.js';
import { receiptEdu, typingEdu } from './edu-shapes.js';
import type { EduState, ReadReceipt } from './edu-state.js';

/** What the sender needs. */
export interface EduSenderOptions {
  store: Store;
  queue: Pick<OutboundQueue, 'enqueue'>;
  state: EduState;
  /** Our server name, read per use. */
  serverName: () => string;
  now: () => number;
}

/** Sends our users' EDUs. */
export class EduSender {
  constructor(private readonly options: EduSenderOptions) {}

  /**
   * `userId` (ours, joined) starts or stops typing in `roomId`. A client
   * renews `typing: true` well within DEFAULT_TYPING_TIMEOUT_MS. Returns the
   * servers it was queued for.
   */
  async sendTyping(roomId: string, userId: string, typing: boolean): Promise<ServerName[]> {
    const destinations = await this.destinations(roomId, userId);
    this.options.state.setTyping(roomId, userId, typing);
    await this.options.queue.enqueue(destinations, { edu: typingEdu(roomId, userId, typing) });
    return destinations;
  }

  /**
   * `userId` (ours, joined) has read `roomId` up to `eventId` (optionally in
   * a thread). Returns the servers it was queued for.
   */
  async sendReceipt(
    roomId: string,
    userId: string,
    eventId: string,
    options: { threadId?: string } = {},
  ): Promise<ServerName[]> {
    const destinations = await this.destinations(roomId, userId);
    const receipt: ReadReceipt = { userId, eventIds: [eventId], ts: this.options.now() };
    if (options.threadId !== undefined) receipt.threadId = options.threadId;
    this.options.state.setReceipt(roomId, receipt);
    await this.options.queue.enqueue(destinations, { edu: receiptEdu(roomId, receipt) });
    return destinations;
  }

  /** The room's other joined servers; M_FORBIDDEN unless `userId` is ours and joined. */
  private async destinations(roomId: string, userId: string): Promise<ServerName[]> {
    const ours = this.options.serverName();
    if (serverNameOf(userId) !== ours) {
      throw new MatrixError('M_FORBIDDEN', `${userId} is not a user of this server`);
    }
    const reads = new RoomReadsForFederation(this.options.store, roomId as RoomId);
    const room = await reads.room();
    if (room === undefined) throw new MatrixError('M_NOT_FOUND', `Unknown room ${roomId}`);
    const state = await reads.currentState(room);
    const members = [...state.entries()].filter(
      ([key]) => splitStateKey(key)[0] === 'm.room.member',
    );
    const pdus = await reads.pdus(members.map(([, id]) => id));
    const joined = pdus.filter((pdu) => pdu.content.membership === 'join');
    if (!joined.some((pdu) => pdu.state_key === userId)) {
      throw new MatrixError('M_FORBIDDEN', `${userId} is not joined to ${roomId}`);
    }
    const servers = new Set(joined.map((pdu) => serverNameOf(pdu.state_key ?? '') ?? ''));
    servers.delete(ours);
    servers.delete('');
    return [...servers].sort() as ServerName[];
  }
}
