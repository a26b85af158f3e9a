/**
 * `PUT /_matrix/federation/v1/send/{txnId}`: a transaction of PDUs and EDUs
 * from another server (server-server API, "Transactions").
 *
 * - body `{origin, origin_server_ts, pdus, edus?}`; at most 50 PDUs and 100
 *   EDUs, else 400 M_BAD_JSON (the spec sets the limits, not the error);
 *   `origin` must be the server that signed the request, else 403 M_FORBIDDEN;
 * - an `(origin, txnId)` already answered gets the stored answer again and
 *   no event is fetched or written (the PDUs' checks start while the ID is
 *   looked up: `proceed`); a duplicate arriving while the first is still being
 *   processed waits for it and gets the same answer;
 * - otherwise the PDUs go through `receivePdus` (with the key ring's lookup
 *   and a fetchMissing and gap fetcher asking the origin), then the answer `{pdus}` is stored
 *   in `txnIds` (its own write, after receivePdus committed) and sent without
 *   waiting for that write; the write also forgets IDs older than `txnIdTtlMs`
 *   (24 h), so replays are recognised for a day and the store does not grow
 *   forever.
 * - server ACLs: a PDU of a room whose current `m.room.server_acl` denies
 *   the origin answers `{error}` and is not processed; the rest of the
 *   transaction goes on (server-server API, "Server Access Control Lists");
 * - EDUs go to `edus.receive` after the PDUs (it applies the ACL per room
 *   and never fails the transaction); without `edus` they are ignored.
 *
 * A PDU that cannot be given an event ID (not an object, a room we are not
 * in) has no key in `pdus`, so the answer leaves it out.
 */

import { MatrixError } from '../../core/errors.js';
import { eventIdFor } from '../../core/event-hashes.js';
import type { KeyLookup } from '../../core/event-signing.js';
import type { ServerName } from '../../core/ids.js';
import { isJsonObject, type JsonObject } from '../../core/json.js';
import type { RoomVersionId } from '../../core/room-versions.js';
import { serverAclAllows } from '../../core/server-acl.js';
import type { InboundReport, ReceiveOptions } from '../../node/inbound/types.js';
import { pruneReceivedTxnIds } from '../../store/prune-txn-ids.js';
import type { Store } from '../../store/store.js';
import type { AuthenticatedRoute } from '../server/route.js';
import { type FetchMissingOptions, fetchMissingFrom, gapFetcherFrom } from './fetch-missing.js';

/** Most PDUs in one transaction (spec). */
export const MAX_TRANSACTION_PDUS = 50;
/** Most EDUs in one transaction (spec). */
export const MAX_TRANSACTION_EDUS = 100;
/** Body limit of `/send`: 50 PDUs of at most 64 KiB, plus EDUs. */
export const SEND_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** What the send route needs. */
export interface SendRouteOptions {
  node: {
    receivePdus(origin: string, pdus: unknown[], options: ReceiveOptions): Promise<InboundReport>;
    /** A room's current state content, from memory (TidepoolNode.currentStateContent). */
    currentStateContent(
      roomId: string,
      type: string,
    ): Promise<{ roomVersion: string; content?: JsonObject } | undefined>;
  };
  store: Store;
  /** Key lookup for event signatures (KeyRing.lookup). */
  keyLookup: KeyLookup;
  /** How missing events are fetched from the origin. */
  fetch: FetchMissingOptions;
  now: () => number;
  /** How long a received transaction ID is remembered for replays; default 24 h. */
  txnIdTtlMs?: number;
  /** Takes the transaction's EDUs (edu/federation-edus.ts); absent: EDUs are ignored. */
  edus?: { receive(origin: string, edus: readonly unknown[]): Promise<unknown> };
}

/** A transaction body, checked. */
interface Transaction {
  origin: string;
  pdus: unknown[];
  edus: unknown[];
}

/** The `/send` route. */
export function sendRoute(options: SendRouteOptions): AuthenticatedRoute {
  const { node, store, keyLookup, now } = options;
  const inFlight = new Map<string, Promise<JsonObject>>();

  /**
   * Processes a transaction; `answer` settles as soon as its PDUs are
   * committed and its EDUs taken, `done` once its ID is recorded too.
   */
  function process(
    origin: ServerName,
    txnId: string,
    txn: Transaction,
  ): { answer: Promise<JsonObject>; done: Promise<unknown> } {
    let recorded: Promise<unknown> = Promise.resolve();
    const answer = (async () => {
      // The PDUs' checks start while the transaction ID is looked up (a round
      // trip to IndexedDB on every message's path); no event is fetched or
      // written until the lookup says the transaction is new.
      const seen = store.read(['txnIds'], (t) => t.txnIds.get(origin, txnId));
      const proceed = seen.then((record) => record === undefined);
      // Settled below either way: a failed lookup is not also reported as unhandled here.
      proceed.catch(() => undefined);
      const { allowed, denied } = await splitByAcl(node, origin, txn.pdus);
      const fetchMissing = fetchMissingFrom(origin, options.fetch);
      const fetchGap = gapFetcherFrom(origin, options.fetch);
      const receiving = node.receivePdus(origin, allowed, {
        keyLookup,
        fetchMissing,
        fetchGap,
        proceed,
      });
      const [record, report] = await Promise.all([seen, receiving]);
      if (record !== undefined) return record.result;
      const result = { pdus: { ...denied, ...report.pdus } } as unknown as JsonObject;
      // The PDUs are committed, so the answer need not wait for this write: if
      // it is lost, a retry finds every event known and gets the same answer.
      // IDs past their lifetime go in the same write: no sender retries that long.
      const receivedTs = now();
      recorded = store.write(['txnIds'], async (t) => {
        await pruneReceivedTxnIds(t, receivedTs, options.txnIdTtlMs);
        await t.txnIds.put({ origin, txnId, result, receivedTs });
      });
      recorded.catch(() => undefined);
      if (options.edus !== undefined && txn.edus.length > 0) {
        await options.edus.receive(origin, txn.edus).catch(() => undefined);
      }
      return result;
    })();
    const done = answer.then(() => recorded).catch(() => undefined);
    return { answer, done };
  }

  return {
    method: 'PUT',
    path: '/_matrix/federation/v1/send/{txnId}',
    auth: 'x-matrix',
    maxBodyBytes: SEND_MAX_BODY_BYTES,
    handle: async ({ origin, params, body }) => {
      const transaction = readTransaction(body);
      if (transaction.origin !== origin) {
        throw new MatrixError(
          'M_FORBIDDEN',
          `The transaction's origin ${transaction.origin} is not the signing server ${origin}`,
        );
      }
      const txnId = params.txnId!;
      const key = JSON.stringify([origin, txnId]);
      let answer = inFlight.get(key);
      if (answer === undefined) {
        const run = process(origin, txnId, transaction);
        answer = run.answer;
        // A duplicate shares this answer until the ID is on record, not only
        // until the answer is ready, so it never runs the transaction again.
        inFlight.set(key, answer);
        void run.done.then(() => inFlight.delete(key));
      }
      return { body: await answer };
    },
  };
}

/** Checks the body's shape and the transaction limits (400 M_BAD_JSON). */
function readTransaction(body: JsonObject | undefined): Transaction {
  if (body === undefined || !isJsonObject(body)) {
    throw new MatrixError('M_BAD_JSON', 'A transaction body is required');
  }
  const { origin, origin_server_ts: ts, pdus, edus } = body;
  if (typeof origin !== 'string') throw new MatrixError('M_BAD_JSON', 'origin must be a string');
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts)) {
    throw new MatrixError('M_BAD_JSON', 'origin_server_ts must be an integer');
  }
  if (!Array.isArray(pdus)) throw new MatrixError('M_BAD_JSON', 'pdus must be an array');
  if (pdus.length > MAX_TRANSACTION_PDUS) {
    throw new MatrixError('M_BAD_JSON', `At most ${MAX_TRANSACTION_PDUS} PDUs per transaction`);
  }
  if (edus !== undefined && !Array.isArray(edus)) {
    throw new MatrixError('M_BAD_JSON', 'edus must be an array');
  }
  if ((edus?.length ?? 0) > MAX_TRANSACTION_EDUS) {
    throw new MatrixError('M_BAD_JSON', `At most ${MAX_TRANSACTION_EDUS} EDUs per transaction`);
  }
  return { origin, pdus, edus: edus ?? [] };
}

/**
 * Splits PDUs into those to process and, by event ID, the error answers of
 * those whose room's server ACL denies `origin`. PDUs without a room we have
 * are left to `receivePdus` (which answers them itself).
 */
async function splitByAcl(
  node: SendRouteOptions['node'],
  origin: string,
  pdus: unknown[],
): Promise<{ allowed: unknown[]; denied: Record<string, { error: string }> }> {
  const rooms = new Map<string, { allows: boolean; roomVersion: string } | undefined>();
  const allowed: unknown[] = [];
  const denied: Record<string, { error: string }> = {};
  for (const pdu of pdus) {
    const roomId = isJsonObject(pdu) && typeof pdu.room_id === 'string' ? pdu.room_id : undefined;
    if (roomId === undefined) {
      allowed.push(pdu);
      continue;
    }
    if (!rooms.has(roomId)) {
      // The current state is in memory: no IndexedDB read on a message's path.
      const acl = await node.currentStateContent(roomId, 'm.room.server_acl');
      rooms.set(
        roomId,
        acl && { allows: serverAclAllows(acl.content, origin), roomVersion: acl.roomVersion },
      );
    }
    const room = rooms.get(roomId);
    if (room === undefined || room.allows) {
      allowed.push(pdu);
      continue;
    }
    try {
      denied[eventIdFor(pdu as JsonObject, room.roomVersion as RoomVersionId)] = {
        error: `${origin} is denied by the server ACL of ${roomId}`,
      };
    } catch {
      // No event ID can be given: left out of the answer, like any unkeyed PDU.
    }
  }
  return { allowed, denied };
}
