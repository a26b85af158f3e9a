/**
 * Turns the DOMExceptions IndexedDB raises into our typed errors where the
 * caller can act on them; anything else passes through untouched.
 */
import { StoreQuotaError, StoreTransactionInactiveError } from './errors.js';

/** Maps a quota or inactive-transaction DOMException to its typed error. */
export function mapStorageError(error: unknown): unknown {
  if (!(error instanceof DOMException)) return error;
  if (error.name === 'QuotaExceededError') return new StoreQuotaError({ cause: error });
  if (error.name === 'TransactionInactiveError') {
    return new StoreTransactionInactiveError({ cause: error });
  }
  return error;
}
