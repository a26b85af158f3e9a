/**
 * Outbound queue test setup: a sender and receivers on the test network (a
 * MemoryNetwork driven by a ManualClock), each receiver with a recording
 * `/send` route that answers as the endpoint does, and a queue over a fake
 * IndexedDB the test can reopen.
 */
import type { IDBFactory } from 'fake-indexeddb';
import type { ServerName } from '../../../src/core/ids.js';
import type { JsonObject } from '../../../src/core/json.js';
import { clockTimers } from '../../../src/federation/outbound/backoff.js';
import type { OutboundEvent } from '../../../src/federation/outbound/outbound-events.js';
import { OutboundQueue } from '../../../src/federation/outbound/outbound-queue.js';
import type { RouteResponse } from '../../../src/federation/server/route.js';
import type { Store } from '../../../src/store/store.js';
import { freshFactory, open } from '../../store/helpers.js';
import { testNetwork } from '../helpers.js';

/** One `/send` as a receiver saw it. */
export interface ReceivedTxn {
  origin: string;
  txnId: string;
  body: JsonObject;
  pdus: JsonObject[];
  edus: JsonObject[];
}

/** Decides a receiver's answer; default 200 with every PDU accepted. */
export type Responder = (txn: ReceivedTxn, call: number) => RouteResponse;

/** A receiving node: what reached it, and how it answers. */
export interface Receiver {
  name: ServerName;
  received: ReceivedTxn[];
  respond: Responder;
}

/** Accepts everything, as the real endpoint does for good PDUs. */
export const acceptAll: Responder = (txn) => ({
  body: { pdus: Object.fromEntries(txn.pdus.map((pdu) => [String(pdu.event_id), {}])) },
});

/** A sender (node 0) and `receivers` receiving nodes, plus a queue factory. */
export async function outboundSetup(receivers = 1, options: { random?: () => number } = {}) {
  const net = await testNetwork(receivers + 1);
  const sender = net.nodes[0]!;
  const recv: Receiver[] = net.nodes.slice(1).map((node) => {
    const receiver: Receiver = { name: node.name as ServerName, received: [], respond: acceptAll };
    node.server.register({
      method: 'PUT',
      path: '/_matrix/federation/v1/send/{txnId}',
      auth: 'x-matrix',
      maxBodyBytes: 8 * 1024 * 1024,
      handle: ({ origin, params, body = {} }) => {
        const txn: ReceivedTxn = {
          origin,
          txnId: params.txnId!,
          body,
          pdus: (body.pdus ?? []) as JsonObject[],
          edus: (body.edus ?? []) as JsonObject[],
        };
        receiver.received.push(txn);
        return receiver.respond(txn, receiver.received.length);
      },
    });
    return receiver;
  });
  const factory: IDBFactory = freshFactory();
  const dbName = `tidepool-${sender.name}`;
  const events: OutboundEvent[] = [];
  const random = options.random ?? (() => 0);

  /** A queue over a new store handle on the sender's database (a fresh tab). */
  async function openQueue(): Promise<{ queue: OutboundQueue; store: Store }> {
    const store = await open(factory, dbName);
    const queue = new OutboundQueue({
      store,
      client: sender.client,
      origin: () => sender.name,
      now: net.now,
      timers: clockTimers(net.clock),
      random,
      onEvent: (event) => events.push(event),
    });
    return { queue, store };
  }

  return { ...net, sender, receivers: recv, events, openQueue };
}

/** A fake PDU with a recognisable index. */
export function pdu(i: number): { pdu: JsonObject } {
  return { pdu: { event_id: `$e${i}`, i, type: 'm.room.message' } };
}

/** A fake EDU with a recognisable index. */
export function edu(i: number): { edu: JsonObject } {
  return { edu: { edu_type: 'm.typing', content: { i } } };
}

/** The indices carried by a transaction's PDUs or EDUs. */
export function indices(items: JsonObject[]): number[] {
  return items.map((item) => Number(item.i ?? (item.content as JsonObject).i));
}

/** Lets queued work run (IndexedDB requests, promise chains) until `done()` holds. */
export async function settleUntil(done: () => boolean, turns = 200): Promise<void> {
  for (let i = 0; i < turns && !done(); i++) await new Promise((r) => setTimeout(r, 0));
  if (!done()) throw new Error(`condition not reached after ${turns} turns`);
}
