/**
 * Typed storage failures. Like the core's errors they carry a stable `name` and
 * an errcode (comlink keeps only `name` and `message` across the worker
 * boundary), and the IndexedDB failure that caused them as `cause`.
 */
import { MatrixError, type MatrixErrorOptions } from '../core/errors.js';

/**
 * The database was written by a newer Tidepool (its version is above ours).
 * We cannot read it safely and must not downgrade it, so nothing is touched.
 */
export class StoreVersionError extends MatrixError {
  override name = 'StoreVersionError';
  /** The version found on disk, when the browser could tell us. */
  readonly foundVersion: number | undefined;
  /** The newest version this build understands. */
  readonly supportedVersion: number;

  constructor(
    database: string,
    foundVersion: number | undefined,
    supportedVersion: number,
    options: MatrixErrorOptions = {},
  ) {
    const found = foundVersion === undefined ? 'a newer version' : `version ${foundVersion}`;
    super(
      'M_UNKNOWN',
      `Database "${database}" is at ${found}, but this build of Tidepool only knows up to ` +
        `version ${supportedVersion}. Open it with a newer Tidepool; nothing was changed or deleted.`,
      options,
    );
    this.foundVersion = foundVersion;
    this.supportedVersion = supportedVersion;
  }
}

/**
 * The database does not have the shape its version promises (a missing store or
 * index, or a migration that failed on the data it found). Left exactly as found.
 */
export class StoreCorruptError extends MatrixError {
  override name = 'StoreCorruptError';
  constructor(database: string, problem: string, options: MatrixErrorOptions = {}) {
    super(
      'M_UNKNOWN',
      `Database "${database}" is not a valid Tidepool store: ${problem}. Nothing was deleted.`,
      options,
    );
  }
}

/**
 * Another tab holds the database open and will not let this one upgrade it, or
 * another tab upgraded (or deleted) it under us, so our connection was closed.
 */
export class StoreBlockedError extends MatrixError {
  override name = 'StoreBlockedError';
  constructor(message: string, options: MatrixErrorOptions = {}) {
    super('M_UNKNOWN', message, options);
  }
}

/** The store was closed (by `close()` or because another tab needed it). */
export class StoreClosedError extends MatrixError {
  override name = 'StoreClosedError';
  constructor(message: string, options: MatrixErrorOptions = {}) {
    super('M_UNKNOWN', message, options);
  }
}

/**
 * The browser refused the write for lack of space. The whole transaction was
 * rolled back and everything committed before it is intact.
 *
 * Errcode M_UNKNOWN with HTTP 507, not M_LIMIT_EXCEEDED: the latter is the spec's
 * rate-limit answer and promises that waiting `retry_after_ms` helps, which a full
 * disk cannot promise. A 5xx still makes a sending server keep the transaction
 * and retry with backoff, which is what we want.
 */
export class StoreQuotaError extends MatrixError {
  override name = 'StoreQuotaError';
  constructor(options: MatrixErrorOptions = {}) {
    super(
      'M_UNKNOWN',
      'Browser storage is full: the write was rolled back and nothing stored earlier was lost',
      { httpStatus: 507, ...options },
    );
  }
}

/**
 * A write's transaction finished before its callback did: the callback awaited
 * something other than an IndexedDB request (a fetch, a signature), and the
 * browser auto-committed. A programming error; the message says how to fix it.
 */
export class StoreTransactionInactiveError extends MatrixError {
  override name = 'StoreTransactionInactiveError';
  constructor(options: MatrixErrorOptions = {}) {
    super(
      'M_UNKNOWN',
      'The IndexedDB transaction committed before the callback finished: do the async ' +
        'non-storage work first, then open the write (never await anything else inside it)',
      options,
    );
  }
}

/** A record that another record points to is missing (a broken state-group chain). */
export class StoreMissingRecordError extends MatrixError {
  override name = 'StoreMissingRecordError';
  constructor(message: string, options: MatrixErrorOptions = {}) {
    super('M_UNKNOWN', message, options);
  }
}

/**
 * Something other than this store moved the stream position on (another tab
 * writing the same node's database, which its Web Lock should prevent). The
 * write was rolled back; the next one reads the position again.
 */
export class StoreConflictError extends MatrixError {
  override name = 'StoreConflictError';
  constructor(options: MatrixErrorOptions = {}) {
    super(
      'M_UNKNOWN',
      "Another tab wrote this node's database at the same time: nothing was stored; try again",
      options,
    );
  }
}
