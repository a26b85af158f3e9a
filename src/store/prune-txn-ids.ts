/**
 * Forgetting received federation transaction IDs. They exist so a retried
 * `/send` gets the same answer (at-least-once delivery); a sender retries a
 * transaction for minutes or hours, not days, so an ID older than the window
 * is dead weight. Pruning runs in the same write that records a new ID, so
 * the store never grows without bound and never needs a timer.
 */
import type { Txn } from './transaction.js';

/** How long a received transaction ID is kept by default: 24 hours. */
export const RECEIVED_TXN_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Removes received transaction IDs recorded before `now - ttlMs`, inside the
 * caller's write (`txnIds` must be among its stores). Returns how many went.
 * Only old records are visited: the index range stops at the cut-off.
 */
export function pruneReceivedTxnIds(
  txn: Txn<'txnIds'>,
  now: number,
  ttlMs: number = RECEIVED_TXN_TTL_MS,
): Promise<number> {
  if (!Number.isFinite(ttlMs) || ttlMs < 0) {
    throw new RangeError(`A transaction ID lifetime must be a non-negative number, got ${ttlMs}`);
  }
  return txn.txnIds.deleteReceivedBefore(now - ttlMs);
}
