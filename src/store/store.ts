/**
 * An open Tidepool database: read and write transactions over named stores.
 * One `write` is one IndexedDB transaction; if its callback throws, the whole
 * transaction is rolled back and the error rethrown, so a batch is all-or-nothing.
 */
import { StoreClosedError, StoreTransactionInactiveError } from './errors.js';
import { mapStorageError } from './map-storage-error.js';
import type { StoreName, TidepoolDatabase } from './schema.js';
import { createTxn, type RawTransaction, type Txn, type WrapperSettings } from './transaction.js';

/** Why a store stopped accepting transactions. */
export type CloseReason = StoreClosedError;

/** The narrow storage interface the node uses. */
export class Store {
  private closedBy: CloseReason | undefined;

  constructor(
    private readonly db: TidepoolDatabase,
    /** The IndexedDB database name. */
    readonly name: string,
    private readonly settings: WrapperSettings,
    private readonly onClose?: (reason: CloseReason) => void,
  ) {
    // Another tab wants to upgrade or delete the database: let it, and say so.
    db.addEventListener('versionchange', () =>
      this.shut(
        new StoreClosedError(
          `Database "${name}" was closed because another tab is upgrading or deleting it; reload`,
        ),
      ),
    );
    // The browser closed it under us (storage cleared, disk error).
    db.addEventListener('close', () =>
      this.shut(new StoreClosedError(`The browser closed database "${name}" unexpectedly`)),
    );
  }

  /** True once closed, by `close()` or by another tab or the browser. */
  get closed(): boolean {
    return this.closedBy !== undefined;
  }

  /**
   * Runs `fn` in a read-only transaction over `stores`. Only IndexedDB requests
   * may be awaited inside `fn`.
   */
  read<N extends StoreName, T>(stores: readonly N[], fn: (txn: Txn<N>) => Promise<T>): Promise<T> {
    return this.run(stores, 'readonly', fn);
  }

  /**
   * Runs `fn` in one read-write transaction over `stores` and resolves after the
   * commit, so callers emit events only for data that is really stored. If `fn`
   * throws, nothing it wrote is kept. Do every non-storage await (network,
   * crypto) before calling: the browser commits as soon as `fn` awaits anything
   * else. A full disk rejects with StoreQuotaError.
   */
  write<N extends StoreName, T>(stores: readonly N[], fn: (txn: Txn<N>) => Promise<T>): Promise<T> {
    return this.run(stores, 'readwrite', fn);
  }

  /** Closes the database; later reads and writes reject with StoreClosedError. */
  close(): void {
    this.shut(new StoreClosedError(`Database "${this.name}" was closed`), false);
  }

  private async run<N extends StoreName, T>(
    stores: readonly N[],
    mode: IDBTransactionMode,
    fn: (txn: Txn<N>) => Promise<T>,
  ): Promise<T> {
    if (this.closedBy !== undefined) throw this.closedBy;
    // Typed read-write for both modes (see ObjectStore); the real mode is `mode`.
    const raw = this.db.transaction([...stores], mode as 'readwrite') as RawTransaction;
    const done = raw.done;
    done.catch(() => undefined); // observed below; avoid an unhandled rejection
    let result: T;
    try {
      result = await fn(createTxn(raw, stores, this.settings));
    } catch (error) {
      const committedEarly = !abortQuietly(raw) && raw.error === null;
      await done.catch(() => undefined);
      if (committedEarly) throw new StoreTransactionInactiveError({ cause: error });
      // A quota failure aborts the transaction; the request error is only AbortError.
      throw mapStorageError(raw.error?.name === 'QuotaExceededError' ? raw.error : error);
    }
    try {
      await done;
    } catch (error) {
      throw mapStorageError(error);
    }
    return result;
  }

  private shut(reason: CloseReason, notify = true): void {
    if (this.closedBy !== undefined) return;
    this.closedBy = reason;
    this.db.close();
    if (notify) this.onClose?.(reason);
  }
}

/** Aborts `raw`; false if it had already finished (committed or aborted). */
function abortQuietly(raw: RawTransaction): boolean {
  try {
    raw.abort();
    return true;
  } catch {
    return false;
  }
}
