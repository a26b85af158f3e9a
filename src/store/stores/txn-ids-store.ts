/**
 * Federation transaction IDs already received, per origin, with the answer we
 * gave: a replayed transaction is detected and gets the same answer, untouched.
 */
import type { ServerName } from '../../core/ids.js';
import type { ReceivedTxnRecord } from '../records.js';
import type { ObjectStore } from '../schema.js';

/** The `txnIds` object store with its domain verbs. */
export class TxnIdsStore {
  constructor(private readonly store: ObjectStore<'txnIds'>) {}

  /** The record of an earlier `(origin, txnId)`, or undefined if it is new. */
  get(origin: ServerName, txnId: string): Promise<ReceivedTxnRecord | undefined> {
    return this.store.get([origin, txnId]);
  }

  /** Records a processed transaction and its answer. */
  async put(record: ReceivedTxnRecord): Promise<void> {
    await this.store.put(record);
  }

  /** Forgets transactions received before `ts`; returns how many were removed. */
  async deleteReceivedBefore(ts: number): Promise<number> {
    let removed = 0;
    const range = IDBKeyRange.upperBound(ts, true);
    let cursor = await this.store.index('byReceivedTs').openCursor(range);
    while (cursor !== null) {
      await cursor.delete();
      removed++;
      cursor = await cursor.continue();
    }
    return removed;
  }
}
