/**
 * The node's dedicated worker: exposes the WorkerApi (open, then NodeApi) with
 * comlink. The page starts it from src/ui/node-client.ts; see doc/worker.md.
 */
import { expose } from 'comlink';
import { installErrorTransfer } from './error-transfer.js';
import { createWorkerApi } from './node-host.js';
import { webLocks } from './node-lock.js';
import { tidepoolFactory } from './tidepool-factory.js';

/**
 * How long a worker waits for a node's lock before answering `locked`: long
 * enough for a reloaded page's old worker to end, short enough to say at once
 * that another tab runs the node.
 */
const LOCK_GRACE_MS = 1000;

installErrorTransfer();
expose(
  createWorkerApi({
    factory: tidepoolFactory(),
    acquireLock: webLocks(navigator.locks, LOCK_GRACE_MS),
  }),
);
