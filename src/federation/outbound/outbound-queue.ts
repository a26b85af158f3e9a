/**
 * The outbound transaction queue: PDUs and EDUs owed to other servers,
 * persisted in the store's `outbound` object store (so a closed tab resumes)
 * and sent per destination as `/send` transactions. See doc/federation.md,
 * "Outbound queue".
 */
import { canonicalJsonBytes } from '../../core/canonical-json.js';
import type { ServerName } from '../../core/ids.js';
import type { JsonObject } from '../../core/json.js';
import type { OutboundItem, QueuedOutbound } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { Txn } from '../../store/transaction.js';
import type { FederationClient } from '../client.js';
import { type BackoffPolicy, type OutboundTimers, realTimers } from './backoff.js';
import { DestinationSender, type SenderContext } from './destination-sender.js';
import type { DestinationStatus, OutboundEvent } from './outbound-events.js';

/** What an OutboundQueue is built from. */
export interface OutboundQueueOptions {
  /** The node's store; the queue lives in its `outbound` object store. */
  store: Store;
  /** Sends the signed `/send` requests. */
  client: Pick<FederationClient, 'request'>;
  /** Our server name, read per transaction (the body's `origin`). */
  origin: () => string;
  /** Milliseconds since the epoch (`origin_server_ts`, retry times). */
  now: () => number;
  /** Schedules retries; default real timers (`clockTimers(clock)` in tests). */
  timers?: OutboundTimers;
  /** In [0, 1), for backoff jitter; default Math.random (seeded in tests). */
  random?: () => number;
  /** Backoff delays; default 1 s doubling to 1 h, 20 % jitter. */
  backoff?: BackoffPolicy;
  /** Told about deliveries, refused PDUs, retries, drops and store failures. */
  onEvent?: (event: OutboundEvent) => void;
}

/** One thing to send: a PDU or an EDU, as it goes in the transaction body. */
export type OutboundMessage = { pdu: JsonObject } | { edu: JsonObject };

/** Messages for `enqueueAll`: each goes to its own destinations. */
export interface OutboundEntry {
  destinations: readonly ServerName[];
  message: OutboundMessage;
}

/** One entry as written: its kind, its payload, the servers it goes to. */
interface QueueRow {
  kind: OutboundItem['kind'];
  payload: JsonObject;
  targets: ServerName[];
}

/** Queues and sends transactions to other servers. */
export class OutboundQueue {
  private readonly senders = new Map<ServerName, DestinationSender>();
  private readonly ctx: SenderContext;
  private started = false;

  constructor(options: OutboundQueueOptions) {
    this.ctx = {
      store: options.store,
      client: options.client,
      origin: options.origin,
      now: options.now,
      timers: options.timers ?? realTimers,
      random: options.random ?? Math.random,
      backoff: options.backoff ?? {},
      report: options.onEvent ?? (() => undefined),
    };
  }

  /**
   * Queues `message` for each of `destinations` (duplicates and our own name
   * are skipped) in one store transaction, then wakes their senders. Resolves
   * after the commit with the sequence numbers, in destination order. Throws
   * CanonicalJsonError for a payload that cannot be sent (floats, ...), before
   * writing anything.
   */
  async enqueue(destinations: readonly ServerName[], message: OutboundMessage): Promise<number[]> {
    const [seqs] = await this.enqueueAll([{ destinations, message }]);
    return seqs ?? [];
  }

  /**
   * Queues several messages, each for its own destinations, in one store
   * transaction (`enqueue` one by one costs a commit each), in the order
   * given, then wakes their senders. Resolves with each message's sequence
   * numbers (see `enqueue`). Throws CanonicalJsonError for any payload that
   * cannot be sent, before writing anything. Senders keep the payloads as
   * given (no copy): do not change them afterwards.
   */
  async enqueueAll(entries: readonly OutboundEntry[]): Promise<number[][]> {
    const rows = this.prepare(entries, true);
    if (rows.every((row) => row.targets.length === 0)) return rows.map(() => []);
    const seqs = await this.ctx.store.write(['outbound'], (txn) => this.write(txn, rows));
    this.wakeFor(rows, seqs);
    return seqs;
  }

  /**
   * Queues `entries` as `enqueueAll` does, inside `txn`, a transaction of the
   * caller's (a local send writes its events and their queue entries in one
   * commit: nothing sent is ever left unqueued, and the send saves a commit).
   * Only IndexedDB requests are awaited. Resolves with what to call once
   * `txn` has committed: it wakes the senders (never call it after an abort).
   * The payloads are our own signed PDUs, already encoded to be signed, so
   * they are not encoded again to check them.
   */
  async enqueueIn(txn: Txn<'outbound'>, entries: readonly OutboundEntry[]): Promise<() => void> {
    const rows = this.prepare(entries, false);
    const seqs = await this.write(txn, rows);
    return () => this.wakeFor(rows, seqs);
  }

  /** Each entry's kind, payload and targets (duplicates and our own name dropped). */
  private prepare(entries: readonly OutboundEntry[], check: boolean): QueueRow[] {
    const self = this.ctx.origin();
    return entries.map(({ destinations, message }) => {
      const kind: OutboundItem['kind'] = 'pdu' in message ? 'pdu' : 'edu';
      const payload = 'pdu' in message ? message.pdu : message.edu;
      if (check) canonicalJsonBytes(payload);
      const targets = [...new Set(destinations)].filter((d) => d !== self);
      return { kind, payload, targets };
    });
  }

  private write(txn: Txn<'outbound'>, rows: readonly QueueRow[]): Promise<number[][]> {
    // Requests issued in order within one transaction get their keys in
    // that order: each destination's items keep the order of `entries`.
    return Promise.all(
      rows.map(({ kind, payload, targets }) =>
        Promise.all(
          targets.map((destination) => txn.outbound.enqueue({ destination, kind, payload })),
        ),
      ),
    );
  }

  /** Tells each sender what was committed for it, so it need not read it back. */
  private wakeFor(rows: readonly QueueRow[], seqs: readonly number[][]): void {
    if (!this.started) return;
    const queued = new Map<ServerName, QueuedOutbound[]>();
    rows.forEach(({ kind, payload, targets }, i) => {
      targets.forEach((destination, j) => {
        const list = queued.get(destination) ?? [];
        list.push({ destination, kind, payload, seq: seqs[i]![j]! });
        queued.set(destination, list);
      });
    });
    for (const [destination, items] of queued) this.sender(destination).enqueued(items);
  }

  /** Starts sending: resumes every destination with queued items (a reopened tab). */
  async start(): Promise<void> {
    this.started = true;
    const queued = await this.ctx.store.read(['outbound'], (txn) => txn.outbound.destinations());
    if (!this.started) return;
    for (const sender of this.senders.values()) sender.resume();
    for (const destination of queued) this.sender(destination).resume();
  }

  /**
   * Stops sending. A request already on the wire completes (its items are
   * removed if it succeeds and the store is still open); retries are cancelled.
   */
  stop(): void {
    this.started = false;
    for (const sender of this.senders.values()) sender.stop();
  }

  /** Tries `destination` now, ending its backoff: a link healed, the peer came online. */
  wake(destination: ServerName): void {
    if (this.started) this.sender(destination).wake();
  }

  /** Every destination with queued items or a sender, sorted by name. */
  async status(): Promise<DestinationStatus[]> {
    const counts = await this.ctx.store.read(['outbound'], async (txn) => {
      const found = new Map<ServerName, number>();
      for (const d of await txn.outbound.destinations()) found.set(d, await txn.outbound.count(d));
      return found;
    });
    const names = new Set([...counts.keys(), ...this.senders.keys()]);
    return [...names].sort().map((destination) => {
      const queued = counts.get(destination) ?? 0;
      const sender = this.senders.get(destination);
      return sender ? sender.status(queued) : { destination, queued, inFlight: 0, failures: 0 };
    });
  }

  /** Resolves when no destination has a send loop running (backoff timers may be pending). */
  async whenIdle(): Promise<void> {
    let busy = [...this.senders.values()].filter((sender) => sender.busy);
    while (busy.length > 0) {
      await Promise.all(busy.map((sender) => sender.idle()));
      busy = [...this.senders.values()].filter((sender) => sender.busy);
    }
  }

  private sender(destination: ServerName): DestinationSender {
    let sender = this.senders.get(destination);
    if (sender === undefined) {
      sender = new DestinationSender(destination, this.ctx);
      this.senders.set(destination, sender);
      if (this.started) sender.resume();
    }
    return sender;
  }
}
