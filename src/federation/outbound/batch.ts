/**
 * Cutting one transaction from the head of a destination's queue, and naming
 * it. A transaction takes the queue's oldest items in order and stops at the
 * first one that does not fit (the 51st PDU or the 101st EDU): taking a later
 * EDU past a PDU that waits would send it first, and a receipt may point at
 * that PDU.
 */
import { encodeBase64 } from '../../core/base64.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { sha256 } from '../../core/crypto/sha256.js';
import { isJsonObject, type JsonObject } from '../../core/json.js';
import type { QueuedOutbound } from '../../store/records.js';

/** The spec's limits per transaction ("at most 50 PDUs and 100 EDUs"). */
export const MAX_PDUS_PER_TRANSACTION = 50;
export const MAX_EDUS_PER_TRANSACTION = 100;
/** Items to peek to be sure one transaction is complete. */
export const PEEK_LIMIT = MAX_PDUS_PER_TRANSACTION + MAX_EDUS_PER_TRANSACTION;

/** One transaction's worth of queued items, fixed once cut: a retry resends it as is. */
export interface Batch {
  /** The transaction ID (see `transactionId`). */
  txnId: string;
  /** Sequence numbers of every item, in send order; removed from the store on success. */
  seqs: number[];
  pdus: JsonObject[];
  edus: JsonObject[];
}

/**
 * The batch at the head of `items` (one destination's queue in send order),
 * or undefined if there is nothing to send.
 */
export function cutBatch(items: readonly QueuedOutbound[]): Batch | undefined {
  const seqs: number[] = [];
  const pdus: JsonObject[] = [];
  const edus: JsonObject[] = [];
  for (const item of items) {
    const list = item.kind === 'pdu' ? pdus : edus;
    const max = item.kind === 'pdu' ? MAX_PDUS_PER_TRANSACTION : MAX_EDUS_PER_TRANSACTION;
    if (list.length === max) break;
    list.push(item.payload);
    seqs.push(item.seq);
  }
  if (seqs.length === 0) return undefined;
  return { txnId: transactionId(seqs, pdus, edus), seqs, pdus, edus };
}

/**
 * `<first seq>-<last seq>-<digest>`: the same batch always gets the same ID,
 * so a retry (even after a reload) is recognised by the receiver, which keys
 * its answers on (origin, txnId). Sequence numbers alone repeat if a node's
 * database is recreated (an identity imported into a fresh browser); the
 * digest of the content keeps those new batches from reusing an old ID, and
 * an ID that still repeats names the very same content, so the receiver's
 * cached answer is right for it.
 *
 * The digest covers a fingerprint per item, not the whole canonical JSON of
 * up to 50 PDUs: hashing every byte of every batch was the queue's largest
 * CPU cost. A signed PDU's content hash (`hashes.sha256`) already covers
 * everything but its signatures and `unsigned`, so it names the event; any
 * other item (an EDU, a PDU without that hash) is fingerprinted by its
 * canonical JSON.
 */
export function transactionId(
  seqs: readonly number[],
  pdus: readonly JsonObject[],
  edus: readonly JsonObject[],
): string {
  const parts: string[] = [seqs.join(',')];
  for (const pdu of pdus) parts.push(`p${pduFingerprint(pdu)}`);
  for (const edu of edus) parts.push(`e${canonicalJson(edu)}`);
  const digest = sha256(utf8.encode(parts.join('\n')));
  return `${seqs[0]}-${seqs.at(-1)}-${encodeBase64(digest.subarray(0, 9), { urlSafe: true })}`;
}

const utf8 = new TextEncoder();

/** The PDU's content hash when it has one (`h…`), else its canonical JSON (`j…`). */
function pduFingerprint(pdu: JsonObject): string {
  const hashes = pdu.hashes;
  if (isJsonObject(hashes) && typeof hashes.sha256 === 'string') return `h${hashes.sha256}`;
  return `j${canonicalJson(pdu)}`;
}

/** The request path for `txnId`. */
export function sendPath(txnId: string): string {
  return `/_matrix/federation/v1/send/${encodeURIComponent(txnId)}`;
}

/** The `/send` body. `edus` is left out when empty, as the spec allows. */
export function transactionBody(batch: Batch, origin: string, originServerTs: number): JsonObject {
  const body: JsonObject = { origin, origin_server_ts: originServerTs, pdus: batch.pdus };
  if (batch.edus.length > 0) body.edus = batch.edus;
  return body;
}
