/**
 * One tab per node: a Web Lock named after the node, held for the life of the
 * worker (the browser releases it when the worker ends, whatever the reason).
 */

/** Takes a named lock for good; false when another context holds it. */
export type AcquireLock = (name: string) => Promise<boolean>;

/** The lock name for a node. */
export function nodeLockName(nodeName: string): string {
  return `tidepool-node:${nodeName}`;
}

/**
 * Web Locks: tries at once (`ifAvailable`), and if the lock is held waits up to
 * `graceMs` for it, which covers a reload, where the old page's worker may
 * still be shutting down when the new one starts. Once granted the lock is
 * never released: the callback's promise does not settle.
 */
export function webLocks(locks: LockManager, graceMs: number): AcquireLock {
  const hold = (name: string, options: LockOptions) =>
    new Promise<boolean>((resolve, reject) => {
      locks
        .request(name, options, (lock) => {
          resolve(lock !== null);
          return lock === null ? undefined : new Promise<never>(() => undefined);
        })
        .catch((error: unknown) => {
          // The grace period ran out (the signal's TimeoutError) or it was aborted.
          if (error instanceof DOMException && /^(Timeout|Abort)Error$/.test(error.name)) {
            resolve(false);
          } else reject(error);
        });
    });
  return async (name) => {
    if (await hold(name, { ifAvailable: true })) return true;
    if (graceMs <= 0) return false;
    return hold(name, { signal: AbortSignal.timeout(graceMs) });
  };
}

/** In-memory locks for tests: one holder per name, never released. */
export function memoryLocks(held = new Set<string>()): AcquireLock {
  return async (name) => {
    if (held.has(name)) return false;
    held.add(name);
    return true;
  };
}
