/**
 * The hook through which the federation queues a local send's events for
 * other servers inside the send's own store transaction. Queued apart, an
 * event could commit and the tab close before its queue entry did (the
 * event would then never reach the room's other servers), and every send
 * paid a second commit before its first byte left: about a millisecond on
 * an idle machine, several under load.
 */
import type { EventId, RoomId } from '../core/ids.js';
import type { Pdu } from '../core/pdu.js';
import type { Txn } from '../store/transaction.js';

/** One local send, as the outbox sees it inside the transaction. */
export interface LocalSend {
  roomId: RoomId;
  /** The signed events, in the order they are written. */
  events: readonly { eventId: EventId; pdu: Pdu }[];
  /** The users joined to the room in its state before these events. */
  joinedUsers: () => string[];
}

/** Queues local sends for other servers. */
export interface LocalSendOutbox {
  /**
   * Called inside the send's transaction once its events are written: only
   * IndexedDB requests may be awaited. Resolves with what to do after the
   * commit (never called if the transaction aborts).
   */
  queue(txn: Txn<'outbound'>, send: LocalSend): Promise<() => void>;
}
