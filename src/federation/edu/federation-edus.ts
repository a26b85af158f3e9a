/**
 * One node's EDUs, composed: the state (typing, receipts, listeners), the
 * receiver the `/send` route hands inbound EDUs to, and the sender for our
 * own users. Meant to be owned by the FederatedNode:
 *
 * ```ts
 * this.edus = new FederationEdus({ store, queue: this.queue, serverName, now, timers });
 * rooms.edus = this.edus;            // roomRoutes → sendRoute passes inbound EDUs on
 * ...
 * this.edus.close();                 // in close()
 * ```
 *
 * See doc/federation.md, "Server ACLs and EDUs".
 */
import type { OutboundTimers } from '../outbound/backoff.js';
import { realTimers } from '../outbound/backoff.js';
import { EduState } from './edu-state.js';
import { type EduOutcome, EduReceiver } from './receive-edus.js';
import type { EduSenderOptions } from './send-edus.js';
import { EduSender } from './send-edus.js';

/** What FederationEdus is built from. */
export interface FederationEdusOptions extends Omit<EduSenderOptions, 'state'> {
  /** Typing expiry timers; default real timers (`clockTimers(clock)` in tests). */
  timers?: OutboundTimers;
  /** How long a remote typing notification lasts unless renewed; default 30 s. */
  typingTimeoutMs?: number;
}

/** The EDU state, receiver and sender of one node. */
export class FederationEdus {
  readonly state: EduState;
  readonly receiver: EduReceiver;
  readonly sender: EduSender;

  constructor(options: FederationEdusOptions) {
    const stateOptions: ConstructorParameters<typeof EduState>[0] = {
      timers: options.timers ?? realTimers,
    };
    if (options.typingTimeoutMs !== undefined)
      stateOptions.typingTimeoutMs = options.typingTimeoutMs;
    this.state = new EduState(stateOptions);
    this.receiver = new EduReceiver({ store: options.store, state: this.state });
    this.sender = new EduSender({ ...options, state: this.state });
  }

  /** Inbound EDUs of a `/send` from `origin` (what `sendRoute`'s `edus` option calls). */
  receive(origin: string, edus: readonly unknown[]): Promise<EduOutcome[]> {
    return this.receiver.receive(origin, edus);
  }

  /** Cancels typing timers and forgets listeners. */
  close(): void {
    this.state.close();
  }
}
