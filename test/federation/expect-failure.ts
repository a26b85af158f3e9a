/** Awaiting a promise that must fail, for the federation tests. */
import { RemoteMatrixError } from '../../src/federation/remote-errors.js';

/** The RemoteMatrixError `promise` rejects with; any other outcome fails the test. */
export async function remoteError(promise: Promise<unknown>): Promise<RemoteMatrixError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RemoteMatrixError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

/** Whatever `promise` rejects with; resolving fails the test. */
export async function failure(promise: Promise<unknown>): Promise<Error & { errcode?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { errcode?: string };
  }
  throw new Error('expected a failure');
}
