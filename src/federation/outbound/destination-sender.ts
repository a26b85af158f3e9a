/**
 * The sender for one destination: one transaction in flight at a time, taken
 * from the head of the queue, removed only after the receiver accepted it
 * (at-least-once). A failed batch stays pinned in memory and is resent as is,
 * with the same txnId, after a backoff; nothing behind it goes first.
 *
 * An accepted batch leaves the in-memory head at once and the next one goes
 * while its removal is still being written: a lost removal (the tab closed)
 * only means the batch is sent again, which the receiver recognises by its
 * transaction and event IDs.
 */
import type { ServerName } from '../../core/ids.js';
import { isJsonObject, type JsonObject } from '../../core/json.js';
import type { QueuedOutbound } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { FederationClient } from '../client.js';
import { type BackoffPolicy, backoffDelay, type OutboundTimers } from './backoff.js';
import { type Batch, PEEK_LIMIT, sendPath, transactionBody } from './batch.js';
import { classifyFailure, type FailureAction } from './classify-failure.js';
import type { DestinationStatus, OutboundEvent } from './outbound-events.js';
import { QueueHead } from './queue-head.js';

/** Items of one destination's queue held in memory at most (see QueueHead). */
const HEAD_CAP = 2 * PEEK_LIMIT;

/** What every sender shares (built by OutboundQueue). */
export interface SenderContext {
  store: Store;
  client: Pick<FederationClient, 'request'>;
  origin: () => string;
  now: () => number;
  timers: OutboundTimers;
  random: () => number;
  backoff: BackoffPolicy;
  report: (event: OutboundEvent) => void;
}

/** Sends one destination's queue. */
export class DestinationSender {
  private failures = 0;
  private retryAt: number | undefined;
  private cancelTimer: (() => void) | undefined;
  /** The batch being sent, kept until it is accepted or dropped. */
  private batch: { batch: Batch; startedTs: number } | undefined;
  private inFlight = false;
  /** Set by kick: the queue may have grown since the last peek. */
  private dirty = false;
  private running: Promise<void> | undefined;
  private stopped = true;
  /** The head of the stored queue, so most batches are cut without a read. */
  private readonly head = new QueueHead(HEAD_CAP);
  /** Removals of accepted batches still being written; a peek of the store waits for them. */
  private removing: Promise<void> = Promise.resolve();

  constructor(
    readonly destination: ServerName,
    private readonly ctx: SenderContext,
  ) {}

  /** Allows sending again after `stop` and looks at the queue. */
  resume(): void {
    this.stopped = false;
    // Items queued while stopped were not announced: read the store again.
    this.head.forget();
    this.kick();
  }

  /** `items` (in sequence order) were committed to the queue: send them. */
  enqueued(items: readonly QueuedOutbound[]): void {
    this.head.enqueued(items);
    this.kick();
  }

  /** Something was queued: send it, unless stopped or backing off. */
  kick(): void {
    if (this.stopped || this.cancelTimer !== undefined) return;
    this.dirty = true;
    if (this.running !== undefined) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.dirty) this.kick();
    });
  }

  /** Ends any backoff and tries now (if not stopped). Consecutive failures still count. */
  wake(): void {
    this.clearTimer();
    this.kick();
  }

  /** Stops after the request in flight, if any; a pending retry is cancelled. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  /** True while a send loop runs (peeking, sending or removing). */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Resolves when no send loop is running. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
    await this.removing;
  }

  status(queued: number): DestinationStatus {
    const status: DestinationStatus = {
      destination: this.destination,
      queued,
      inFlight: this.inFlight && this.batch ? this.batch.batch.seqs.length : 0,
      failures: this.failures,
    };
    if (this.retryAt !== undefined) status.retryAt = this.retryAt;
    return status;
  }

  private async loop(): Promise<void> {
    const { store, now } = this.ctx;
    try {
      while (!this.stopped && this.cancelTimer === undefined) {
        if (this.batch === undefined) {
          this.dirty = false;
          let cut = this.head.cut();
          if ('unknown' in cut) {
            await this.removing;
            const token = this.head.readStarted();
            const items = await store.read(['outbound'], (txn) =>
              txn.outbound.peek(this.destination, PEEK_LIMIT),
            );
            this.head.readDone(token, items, PEEK_LIMIT);
            cut = this.head.cut();
            // Unknown only if the head was forgotten (a restart) during the read.
            if ('unknown' in cut) continue;
          }
          if ('empty' in cut) {
            if (this.dirty) continue;
            return;
          }
          this.batch = { batch: cut.batch, startedTs: now() };
        }
        await this.attempt(this.batch.batch, this.batch.startedTs);
      }
    } catch (error) {
      // The store failed (closed, most likely): wait for the next wake or start.
      this.dirty = false;
      this.head.forget();
      if (!this.stopped)
        this.ctx.report({ type: 'store-error', destination: this.destination, error });
    }
  }

  /** Sends `batch` once; on success or a refusal removes it, otherwise schedules a retry. */
  private async attempt(batch: Batch, startedTs: number): Promise<void> {
    const { client, origin, store, report } = this.ctx;
    const destination = this.destination;
    const body = transactionBody(batch, origin(), startedTs);
    let answer: JsonObject | undefined;
    let failure: FailureAction | undefined;
    this.inFlight = true;
    try {
      answer = await client.request(destination, 'PUT', sendPath(batch.txnId), body);
    } catch (error) {
      failure = classifyFailure(error);
    } finally {
      this.inFlight = false;
    }
    if (failure?.action === 'retry') {
      this.scheduleRetry(batch.txnId, failure.reason, failure.retryAfterMs);
      return;
    }
    // Accepted or refused for good: either way it leaves the queue, and the
    // destination answered, so the backoff starts over.
    const seqs = batch.seqs;
    const removal = store
      .write(['outbound'], (txn) => txn.outbound.remove(seqs))
      .catch((error: unknown) => {
        // Still stored: read the queue again rather than trust the head.
        this.head.forget();
        if (!this.stopped) report({ type: 'store-error', destination, error });
      });
    this.removing = this.removing.then(() => removal);
    this.head.removed(seqs);
    this.batch = undefined;
    this.failures = 0;
    const counts = { pdus: batch.pdus.length, edus: batch.edus.length };
    const txnId = batch.txnId;
    if (failure?.action === 'drop') {
      report({ type: 'dropped', destination, txnId, ...counts, reason: failure.reason });
      return;
    }
    report({ type: 'sent', destination, txnId, ...counts });
    for (const [eventId, error] of pduErrors(answer)) {
      report({ type: 'pdu-error', destination, txnId, eventId, error });
    }
  }

  private scheduleRetry(txnId: string, reason: string, retryAfterMs = 0): void {
    this.failures++;
    const { now, timers, random, backoff, report } = this.ctx;
    const delay = Math.max(backoffDelay(this.failures, random, backoff), retryAfterMs);
    const retryAt = now() + delay;
    report({
      type: 'retry',
      destination: this.destination,
      txnId,
      failures: this.failures,
      retryAt,
      reason,
    });
    // Stopped while the request was out: `resume` tries again, nothing is scheduled.
    if (this.stopped) return;
    this.retryAt = retryAt;
    this.cancelTimer = timers.setTimer(delay, () => {
      this.cancelTimer = undefined;
      this.retryAt = undefined;
      this.kick();
    });
  }

  private clearTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.retryAt = undefined;
  }
}

/** `[eventId, error]` for each PDU the receiver refused (`{pdus: {id: {error}}}`). */
function pduErrors(answer: JsonObject | undefined): [string, string][] {
  const pdus = answer?.pdus;
  if (!isJsonObject(pdus)) return [];
  const errors: [string, string][] = [];
  for (const [eventId, result] of Object.entries(pdus)) {
    if (isJsonObject(result) && result.error !== undefined) {
      errors.push([eventId, typeof result.error === 'string' ? result.error : 'unknown error']);
    }
  }
  return errors;
}
