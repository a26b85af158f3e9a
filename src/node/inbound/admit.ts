/**
 * Checks 1–3 on receipt of a PDU (server-server API, "Checks performed on
 * receipt of a PDU"): (1) a valid event of the room's version, else dropped;
 * (2) the signatures the event needs, else dropped; (3) the content hash,
 * else only the redacted form is kept and processed further. Async (WebCrypto,
 * key fetches): this runs before any store write.
 */
import { eventIdFor } from '../../core/event-hashes.js';
import type { KeyLookup } from '../../core/event-signing.js';
import { verifyEvent } from '../../core/event-signing.js';
import type { EventId } from '../../core/ids.js';
import type { Pdu } from '../../core/pdu.js';
import type { RoomVersionRules } from '../../core/room-versions.js';
import { validatePdu } from '../../core/validate-pdu.js';

/** A PDU that passed checks 1–3, in the form to process further. */
export interface Candidate {
  eventId: EventId;
  /** The event as received, or its redacted form when the content hash failed. */
  pdu: Pdu;
  /** Set when check 3 failed: why the content was redacted. */
  redactedReason?: string;
}

/** The outcome of checks 1–3 for one raw PDU. */
export type Admission =
  | { ok: true; candidate: Candidate }
  | { ok: false; eventId?: EventId; error: string };

/** Runs checks 1–3 on `raw` for a room of version `rules` with ID `roomId`. */
export async function admit(
  raw: unknown,
  roomId: string,
  rules: RoomVersionRules,
  keyLookup: KeyLookup,
): Promise<Admission> {
  // 1. Format (all versions): a valid event of the room's version, else dropped.
  let pdu: Pdu;
  try {
    pdu = validatePdu(raw, rules);
  } catch (cause) {
    return { ok: false, error: `invalid PDU: ${message(cause)}` };
  }
  // The event ID comes out of the signature check (it hashes the same bytes);
  // it is computed on its own only when the check cannot run or fails.
  const idOf = () => eventIdFor(pdu, rules);
  if (pdu.room_id !== roomId) return { ok: false, eventId: idOf(), error: 'PDU has no room_id' };
  // 2. Signatures (all versions): the sender's server (and a restricted join's authoriser), else dropped.
  let verified: Awaited<ReturnType<typeof verifyEvent>>;
  try {
    verified = await verifyEvent(pdu, rules, keyLookup);
  } catch (cause) {
    return { ok: false, eventId: idOf(), error: `cannot check signatures: ${message(cause)}` };
  }
  if (verified.status === 'rejected') {
    return { ok: false, eventId: idOf(), error: `signature check failed: ${verified.reason}` };
  }
  const { eventId } = verified;
  // 3. Hashes (all versions): a wrong content hash keeps only the redacted form.
  if (verified.status === 'redacted') {
    return {
      ok: true,
      candidate: { eventId, pdu: verified.pdu, redactedReason: verified.reason },
    };
  }
  return { ok: true, candidate: { eventId, pdu: verified.pdu } };
}

function message(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
