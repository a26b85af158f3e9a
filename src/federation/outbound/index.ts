/** The outbound transaction queue: persisted, batched, per-destination `/send`. */
export {
  type BackoffPolicy,
  backoffDelay,
  clockTimers,
  DEFAULT_BACKOFF,
  type OutboundTimers,
  realTimers,
} from './backoff.js';
export {
  type Batch,
  cutBatch,
  MAX_EDUS_PER_TRANSACTION,
  MAX_PDUS_PER_TRANSACTION,
  sendPath,
  transactionId,
} from './batch.js';
export { classifyFailure, type FailureAction } from './classify-failure.js';
export type { DestinationStatus, OutboundEvent } from './outbound-events.js';
export {
  type OutboundEntry,
  type OutboundMessage,
  OutboundQueue,
  type OutboundQueueOptions,
} from './outbound-queue.js';
