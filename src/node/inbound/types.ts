/**
 * The inbound PDU pipeline's public types: what the federation layer passes
 * in (raw PDUs, a key lookup, a way to fetch missing events) and what it gets
 * back (the `/send` answer per PDU, plus each PDU's outcome for logs). See
 * doc/inbound.md.
 */
import type { KeyLookup } from '../../core/event-signing.js';
import type { EventId, RoomId } from '../../core/ids.js';
import type { EventStatus } from '../../store/records.js';

/** What the pipeline needs to know the events are missing. */
export interface MissingEventsRequest {
  roomId: RoomId;
  /** The events neither the batch nor the store holds (prev_events and auth_events). */
  missing: EventId[];
  /** The batch's events that cite them: `latest_events` for `/get_missing_events`. */
  latest: EventId[];
  /** This node's forward extremities in the room: `earliest_events`. */
  earliest: EventId[];
}

/**
 * What the pipeline asks when `prev_events` stay unknown after the walk (the
 * federation layer's `/state_ids`, `/state`, `/event`): the state before an
 * event, and events by ID. Raw PDUs; each passes checks 1–4 before use.
 */
export interface GapFetcher {
  /** The state before `eventId` and its auth chain, as IDs; undefined if the server cannot say. */
  stateIdsBefore(
    roomId: RoomId,
    eventId: EventId,
  ): Promise<{ stateIds: EventId[]; authChainIds: EventId[] } | undefined>;
  /** The events `ids` (at `eventId`, so a server may answer them in one `/state`); may return fewer. */
  events(roomId: RoomId, eventId: EventId, ids: EventId[]): Promise<unknown[]>;
}

/**
 * Fetches events the batch refers to but this node lacks (the federation
 * layer's `/get_missing_events`, `/event`...). Returns raw PDUs; each goes
 * through the same checks as the batch's own. May return fewer than asked.
 */
export type FetchMissing = (request: MissingEventsRequest) => Promise<unknown[]>;

/** Options of one `receive` call. */
export interface ReceiveOptions {
  /** Finds the senders' public keys (may fetch them). */
  keyLookup: KeyLookup;
  /** Fetches missing prev/auth events; without it, an event missing either is answered with an error. */
  fetchMissing?: FetchMissing;
  /** Takes the state at a gap the walk cannot close; without it, such events stay pending. */
  fetchGap?: GapFetcher;
  /**
   * Backfilled history, older than what the room holds: placed before the
   * timeline's oldest event, moving neither the heads nor the current state.
   */
  historical?: boolean;
  /**
   * When given, the checks that change nothing (format, signatures, hashes)
   * and the store reads start at once (keys may be fetched), but no missing
   * event is fetched and nothing is written until this resolves: true goes
   * on, false ends the call with nothing changed (`/send` looks up whether
   * it has seen the transaction meanwhile).
   */
  proceed?: Promise<boolean>;
}

/** The `/send` answer for one PDU: `{}` once it is stored (whatever its status), else why not. */
export type PduResult = Record<string, never> | { error: string };

/** What happened to one PDU. */
export interface InboundOutcome {
  /** Stored as this, already stored ('duplicate'), or not stored ('dropped': checks 1–3; 'pending': missing events). */
  status: EventStatus | 'duplicate' | 'dropped' | 'pending';
  /** Why it was rejected, soft-failed, dropped or left pending; or why its content was redacted. */
  reason?: string;
}

/** The result of one `receive` call. */
export interface InboundReport {
  /** The `/send` response's `pdus`: event ID → result. */
  pdus: Record<string, PduResult>;
  /** Each keyed PDU's outcome. */
  outcomes: Record<string, InboundOutcome>;
  /** PDUs that could not be given an event ID (not an object, no room we know), by position. */
  unkeyed: { index: number; error: string }[];
}
