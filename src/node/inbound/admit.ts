/**
 * Checks 1–3 on receipt of a PDU (server-server API, "Checks performed on
 * receipt of a PDU"): (1) a valid event of the room's version, else dropped;
 * (2) the signatures the event needs, else dropped; (3) the content hash,
 * else only the redacted form is kept and processed further. Async (WebCrypto,
 * key fetches): this runs before any store write.
 *
 * The PDU is encoded as canonical JSON once: the size check (1), the signed
 * bytes and event ID (2) and the content hash (3) all come from that one
 * encoding. With a synchronous key lookup the signature check is handed to
 * WebCrypto before `admit` returns, so admitting a batch (`Promise.all` over
 * its PDUs) checks earlier PDUs' signatures while later ones are encoded.
 */
import { eventIdFor } from '../../core/event-hashes.js';
import type { KeyLookup, VerifyEventResult } from '../../core/event-signing.js';
import { startVerifyEvent } from '../../core/event-signing.js';
import type { EventId } from '../../core/ids.js';
import type { Pdu } from '../../core/pdu.js';
import type { RoomVersionRules } from '../../core/room-versions.js';
import { validatePduEncoded } from '../../core/validate-pdu.js';

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

/** Checks 1–3 under way for one raw PDU. */
export interface AdmissionStarted {
  /**
   * The candidate this PDU becomes if its signatures hold, known before
   * WebCrypto answers (check 1 and the hashes are done): lets the caller
   * read what it cites, or prepare its judgement, meanwhile. Nothing done
   * with it may count before `done` says `ok`. Undefined when the PDU is
   * refused whatever its signatures.
   */
  provisional?: Candidate;
  /** The admission itself. */
  done: Promise<Admission>;
}

/** Runs checks 1–3 on `raw` for a room of version `rules` with ID `roomId`. */
export function admit(
  raw: unknown,
  roomId: string,
  rules: RoomVersionRules,
  keyLookup: KeyLookup,
): Promise<Admission> {
  return startAdmission(raw, roomId, rules, keyLookup).done;
}

/** admit, started: see AdmissionStarted. */
export function startAdmission(
  raw: unknown,
  roomId: string,
  rules: RoomVersionRules,
  keyLookup: KeyLookup,
): AdmissionStarted {
  // 1. Format (all versions): a valid event of the room's version, else dropped.
  let checked: ReturnType<typeof validatePduEncoded>;
  try {
    checked = validatePduEncoded(raw, rules);
  } catch (cause) {
    return refused({ ok: false, error: `invalid PDU: ${message(cause)}` });
  }
  const { pdu, encoding } = checked;
  if (pdu.room_id !== roomId) {
    return refused({ ok: false, eventId: eventIdFor(pdu, rules), error: 'PDU has no room_id' });
  }
  // 2. Signatures (all versions): the sender's server (and a restricted join's authoriser), else dropped.
  // 3. Hashes (all versions): a wrong content hash keeps only the redacted form.
  const started = startVerifyEvent(pdu, rules, keyLookup, { encoding });
  const provisional: Candidate | undefined =
    started.provisional === undefined ? undefined : candidateOf(started.provisional);
  return { provisional, done: settle(started.result, pdu, rules) };
}

async function settle(
  result: Promise<VerifyEventResult>,
  pdu: Pdu,
  rules: RoomVersionRules,
): Promise<Admission> {
  let verified: VerifyEventResult;
  try {
    verified = await result;
  } catch (cause) {
    return {
      ok: false,
      eventId: eventIdFor(pdu, rules),
      error: `cannot check signatures: ${message(cause)}`,
    };
  }
  if (verified.status === 'rejected') {
    return {
      ok: false,
      eventId: verified.eventId ?? eventIdFor(pdu, rules),
      error: `signature check failed: ${verified.reason}`,
    };
  }
  return { ok: true, candidate: candidateOf(verified) };
}

function candidateOf(verified: { eventId: EventId; pdu: Pdu; reason?: string }): Candidate {
  const { eventId, pdu, reason } = verified;
  return reason === undefined ? { eventId, pdu } : { eventId, pdu, redactedReason: reason };
}

function refused(admission: Admission): AdmissionStarted {
  return { done: Promise.resolve(admission) };
}

function message(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
