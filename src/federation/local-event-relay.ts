/**
 * Sends our own events to the other servers of each room. It listens to the
 * node's `timeline` changes (after each commit) and, for each accepted event
 * whose sender is on our server, queues the PDU for every other server with a
 * joined member in the room's current state, plus the target's server of a
 * membership event (an invitee, or someone kicked or banned, hears about it).
 *
 * No echo: events that came in from other servers (`/send`, send_join) also
 * show up as timeline changes, but their senders are on other servers, so
 * they are never sent on — our server name is the test, and another server
 * cannot forge an event from our users (it would need our signature). The one
 * inbound event the spec makes us relay, a join accepted through send_join,
 * is queued explicitly (`relayJoin`). Changes are handled one at a time, in
 * commit order, so each destination receives our events in the order we
 * sent them.
 *
 * A local send is queued inside its own store transaction, through the
 * node's outbox (local-send-outbox.ts): the event and its queue entries
 * commit together, with one commit on the send's path. Committed events also
 * arrive with their PDUs (`onCommittedEvents`, just before their `timeline`
 * change): ours that the outbox did not queue (none, while it is set) are
 * queued from there without being read back from the store, and the others
 * are passed over without a read; the change path still catches events
 * stored in other ways (a room joined through send_join), reading them to
 * see whose they are.
 */
import { serverNameOf } from '../core/identifiers.js';
import type { EventId, RoomId, ServerName } from '../core/ids.js';
import type { JsonObject } from '../core/json.js';
import type { Pdu } from '../core/pdu.js';
import type { NodeChange } from '../node/api.js';
import type { TidepoolNode } from '../node/node.js';
import type { Store } from '../store/store.js';
import type { OutboundEntry, OutboundQueue } from './outbound/outbound-queue.js';

/** What the relay is built from. */
export interface LocalEventRelayOptions {
  node: Pick<
    TidepoolNode,
    'subscribe' | 'unsubscribe' | 'members' | 'onCommittedEvents' | 'setLocalSendOutbox'
  >;
  store: Store;
  queue: Pick<OutboundQueue, 'enqueue' | 'enqueueAll' | 'enqueueIn'>;
  serverName: () => string;
  /** Told about failures (a store error while queueing); the relay goes on. */
  onError?: (error: unknown) => void;
}

/** Queues local events for the room's other servers. */
export class LocalEventRelay {
  private chain: Promise<void> = Promise.resolve();
  private subscription: number | undefined;
  private stopCommitted: (() => void) | undefined;
  /** Events heard from `onCommittedEvents` whose `timeline` change is still to come. */
  private readonly announced = new Set<string>();
  /** Events the outbox queued in their own transaction, until `onCommittedEvents` hears them. */
  private readonly queuedWithSend = new Set<string>();
  /** Servers known to have an event already (the resident that answered our send_join). */
  private readonly holders = new Map<EventId, Set<string>>();

  constructor(private readonly options: LocalEventRelayOptions) {}

  /** Starts listening to the node. */
  async start(): Promise<void> {
    this.stopCommitted = this.options.node.onCommittedEvents(({ roomId, events }) => {
      for (const { eventId } of events) this.announced.add(eventId);
      const us = this.options.serverName();
      const ours = events.filter(
        (e) => serverNameOf(e.pdu.sender) === us && !this.queuedWithSend.delete(e.eventId),
      );
      if (ours.length > 0) this.run(() => this.queueOurs(roomId, ours));
    });
    this.options.node.setLocalSendOutbox({
      queue: async (txn, { events, joinedUsers }) => {
        const entries = this.entriesFor(
          events,
          serversOf(joinedUsers(), this.options.serverName()),
        );
        const wake = await this.options.queue.enqueueIn(txn, entries);
        return () => {
          for (const { eventId } of events) this.queuedWithSend.add(eventId);
          wake();
        };
      },
    });
    this.subscription = await this.options.node.subscribe((change) => this.onChange(change));
  }

  /** Stops listening; work already queued in memory still runs (see `idle`). */
  async stop(): Promise<void> {
    this.options.node.setLocalSendOutbox(undefined);
    this.stopCommitted?.();
    this.stopCommitted = undefined;
    if (this.subscription !== undefined) await this.options.node.unsubscribe(this.subscription);
    this.subscription = undefined;
  }

  /** Resolves when every change heard so far has been queued. */
  async idle(): Promise<void> {
    let last: Promise<void> | undefined;
    while (last !== this.chain) {
      last = this.chain;
      await last;
    }
  }

  /** Notes that `servers` have `eventId` already: it is not queued for them. */
  alreadyHeld(eventId: EventId, servers: readonly string[]): void {
    this.holders.set(eventId, new Set(servers));
  }

  /** Queues a join another server sent us through send_join for the room's other servers. */
  relayJoin(roomId: RoomId, pdu: Pdu, origin: string): void {
    this.run(async () => {
      const targets = (await this.joinedServers(roomId)).filter((s) => s !== origin);
      // The queue keeps the payload as given; the inbound path may still hold this object.
      await this.options.queue.enqueue(targets, { pdu: structuredClone(pdu) as JsonObject });
    });
  }

  /** The servers, other than ours, with a joined member in the room's current state. */
  async joinedServers(roomId: string): Promise<ServerName[]> {
    const members = await this.options.node.members(roomId);
    const joined = members.filter((m) => m.membership === 'join').map((m) => m.userId);
    return serversOf(joined, this.options.serverName());
  }

  private onChange(change: NodeChange): void {
    if (change.kind !== 'timeline') return;
    const unheard = change.eventIds.filter((id) => !this.announced.delete(id));
    if (unheard.length > 0) this.run(() => this.forward(change.roomId, unheard));
  }

  private run(task: () => Promise<void>): void {
    this.chain = this.chain.then(task).catch((error) => this.options.onError?.(error));
  }

  private async forward(roomId: string, eventIds: string[]): Promise<void> {
    const us = this.options.serverName();
    const records = await this.options.store.read(['events'], (txn) =>
      Promise.all(eventIds.map((id) => txn.events.get(id as EventId))),
    );
    const ours = records.filter(
      (r) => r !== undefined && r.status === 'accepted' && serverNameOf(r.pdu.sender) === us,
    );
    await this.queueOurs(roomId, ours as { eventId: EventId; pdu: Pdu }[]);
  }

  /** Queues our accepted `events` of `roomId` for the room's other servers. */
  private async queueOurs(
    roomId: string,
    events: readonly { eventId: EventId; pdu: Pdu }[],
  ): Promise<void> {
    if (events.length === 0) return;
    const entries = this.entriesFor(events, await this.joinedServers(roomId));
    // One store transaction for the whole change (a `sendMessages` batch).
    await this.options.queue.enqueueAll(entries);
  }

  /** Each of our `events` with the servers it goes to: `joined`, and a member event's target. */
  private entriesFor(
    events: readonly { eventId: EventId; pdu: Pdu }[],
    joined: readonly ServerName[],
  ): OutboundEntry[] {
    const us = this.options.serverName();
    const entries: OutboundEntry[] = [];
    for (const { eventId, pdu } of events) {
      const targets = new Set<string>(joined);
      const target = pdu.type === 'm.room.member' ? serverNameOf(pdu.state_key ?? '') : undefined;
      if (target !== undefined) targets.add(target);
      const held = this.holders.get(eventId);
      this.holders.delete(eventId);
      const destinations = [...targets].filter((s) => s !== us && !held?.has(s)) as ServerName[];
      // Signed and committed: nothing changes this PDU any more, so the queue may hold it as is.
      entries.push({ destinations, message: { pdu: pdu as unknown as JsonObject } });
    }
    return entries;
  }
}

/** The servers of `users`, other than `us`, sorted. */
function serversOf(users: readonly string[], us: string): ServerName[] {
  const servers = new Set<ServerName>();
  for (const user of users) {
    const server = serverNameOf(user);
    if (server !== undefined && server !== us) servers.add(server as ServerName);
  }
  return [...servers].sort();
}
