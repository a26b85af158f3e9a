/**
 * What the outbound queue reports: deliveries, the receiver's per-PDU
 * refusals, retries, dropped batches and storage failures. Plain data, so it
 * can go to logs and, later, the network panel.
 */
import type { ServerName } from '../../core/ids.js';

/** One report from the outbound queue. */
export type OutboundEvent =
  /** A transaction was accepted (2xx) and its items removed from the queue. */
  | { type: 'sent'; destination: ServerName; txnId: string; pdus: number; edus: number }
  /** The receiver accepted the transaction but refused this PDU. Not retried. */
  | { type: 'pdu-error'; destination: ServerName; txnId: string; eventId: string; error: string }
  /** The transaction failed and is kept; the same batch is tried again at `retryAt`. */
  | {
      type: 'retry';
      destination: ServerName;
      txnId: string;
      failures: number;
      retryAt: number;
      reason: string;
    }
  /** The receiver refused the whole transaction (4xx); its items were removed. */
  | {
      type: 'dropped';
      destination: ServerName;
      txnId: string;
      pdus: number;
      edus: number;
      reason: string;
    }
  /** Reading or updating the queue failed; the destination waits for the next wake. */
  | { type: 'store-error'; destination: ServerName; error: unknown };

/** One destination, for status displays. */
export interface DestinationStatus {
  destination: ServerName;
  /** Items stored for it, including those of the transaction in flight. */
  queued: number;
  /** Items in the transaction on the wire now; 0 when none is. */
  inFlight: number;
  /** When the next attempt is due, if it is backing off. */
  retryAt?: number;
  /** Consecutive failed attempts; 0 after a success. */
  failures: number;
}
