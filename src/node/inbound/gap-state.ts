/**
 * Closing a gap the spec's way, when walking `prev_events` cannot: for an
 * event whose prev events stay unknown (a "gap root"), ask a server for the
 * state before it (`/state_ids`), fetch the state and auth-chain events this
 * node lacks, check each one (checks 1–3, then 4 against its own auth
 * events, in dependency order) and keep it as an OUTLIER: known and checked,
 * but not part of the timeline and with no state of its own. The root is
 * then judged (checks 4–6) against that state, like any other event.
 *
 * Nothing is written here: the outliers go to the batch's one write. Missing
 * auth events of the batch's other events (older member events, say) are
 * fetched the same way, as outliers.
 */
import type { KeyLookup } from '../../core/event-signing.js';
import type { EventId, RoomId } from '../../core/ids.js';
import { type StateKey, stateKeyOf } from '../../core/pdu.js';
import type { RoomVersionRules } from '../../core/room-versions.js';
import type { EventRecord } from '../../store/records.js';
import { admit, type Candidate } from './admit.js';
import { batchOrder } from './batch-order.js';
import type { EventSource } from './event-source.js';
import { authSelection, ownAuthProblem } from './own-auth.js';
import type { GapFetcher } from './types.js';

/** At most this many gap roots are asked about per batch (each costs a `/state_ids`). */
export const MAX_GAP_ROOTS = 5;
/** Rounds of fetching auth events that the batch or new outliers cite but nobody has. */
const AUTH_ROUNDS = 3;

/** What closing the gaps gave. */
export interface GapFill {
  /** The state before each root that could be placed. */
  gapStates: Map<EventId, Map<StateKey, EventId>>;
  /** New outliers to write (already visible to `source` as stored). */
  outliers: EventRecord[];
  /** Why a root could not be placed (for logs). */
  failures: Map<EventId, string>;
}

/** What the gap filler works with. */
export interface GapContext {
  source: EventSource;
  rules: RoomVersionRules;
  roomId: RoomId;
  batch: ReadonlyMap<EventId, Candidate>;
  fetcher: GapFetcher;
  keyLookup: KeyLookup;
}

/** The batch events whose prev events are neither in the batch nor stored with state. */
export function gapRoots(batch: ReadonlyMap<EventId, Candidate>, source: EventSource): Candidate[] {
  return [...batch.values()]
    .filter((c) =>
      (c.pdu.prev_events as EventId[]).some(
        (id) => !batch.has(id) && source.stored(id)?.stateGroup === undefined,
      ),
    )
    .sort((a, b) => a.pdu.depth - b.pdu.depth || (a.eventId < b.eventId ? -1 : 1));
}

/** Fetches the state before each root (at most MAX_GAP_ROOTS) and the outliers it needs. */
export async function fillGaps(context: GapContext, roots: readonly Candidate[]): Promise<GapFill> {
  const fill: GapFill = { gapStates: new Map(), outliers: [], failures: new Map() };
  for (const root of roots.slice(0, MAX_GAP_ROOTS)) {
    const answer = await context.fetcher.stateIdsBefore(context.roomId, root.eventId);
    if (answer === undefined) {
      fill.failures.set(root.eventId, 'no server gave the state before it');
      continue;
    }
    await addOutliers(context, root.eventId, [...answer.stateIds, ...answer.authChainIds], fill);
    const state = stateFrom(context, answer.stateIds);
    if (typeof state === 'string') fill.failures.set(root.eventId, state);
    else fill.gapStates.set(root.eventId, state);
  }
  // Auth events the batch cites that are still unknown (not part of any state we were given).
  for (let round = 0; round < AUTH_ROUNDS; round++) {
    const missing = missingAuthEvents(context, [
      ...context.batch.values(),
      ...fill.outliers.map((o) => ({ eventId: o.eventId, pdu: o.pdu })),
    ]);
    if (missing.length === 0) break;
    const at = [...context.batch.keys()][0]!;
    const before = fill.outliers.length;
    await addOutliers(context, at, missing, fill);
    if (fill.outliers.length === before) break;
  }
  return fill;
}

/** Fetches the events of `ids` this node lacks, checks them, and adds those that pass as outliers. */
async function addOutliers(
  context: GapContext,
  at: EventId,
  ids: readonly EventId[],
  fill: GapFill,
): Promise<void> {
  const { source, batch, rules, roomId } = context;
  await source.load(ids);
  const lacking = new Set(ids.filter((id) => !batch.has(id) && source.stored(id) === undefined));
  if (lacking.size === 0) return;
  const raws = await context.fetcher.events(roomId, at, [...lacking]);
  const admitted = await Promise.all(
    raws.map((raw) => admit(raw, roomId, rules, context.keyLookup)),
  );
  // Only what was asked for: a server cannot slip other events in this way.
  const fresh = new Map<EventId, Candidate>();
  for (const a of admitted) {
    if (a.ok && lacking.has(a.candidate.eventId)) fresh.set(a.candidate.eventId, a.candidate);
  }
  const { ordered } = batchOrder([...fresh.values()]);
  await source.load(ordered.flatMap((c) => c.pdu.auth_events as EventId[]));
  const create = rules.createEventImpliedByRoomId ? `$${roomId.slice(1)}` : undefined;
  if (create !== undefined) await source.load([create as EventId]);
  for (const c of ordered) {
    // 4. Auth against its own auth events (all versions): an outlier gets no other check.
    const unknown = (c.pdu.auth_events as EventId[]).filter(
      (id) => source.stored(id) === undefined,
    );
    if (unknown.length > 0) continue;
    const problem = ownAuthProblem(
      c.pdu,
      roomId,
      rules,
      authSelection(c.pdu, rules),
      (id) => source.stored(id),
      create === undefined ? undefined : source.pdus.get(create),
    );
    if (problem !== undefined) continue;
    const record: EventRecord = {
      eventId: c.eventId,
      roomId,
      pdu: c.pdu,
      depth: c.pdu.depth,
      status: 'outlier',
    };
    source.addPlanned(record);
    fill.outliers.push(record);
  }
}

/** The state map of `ids`, or why it cannot be used. */
function stateFrom(context: GapContext, ids: readonly EventId[]): Map<StateKey, EventId> | string {
  const state = new Map<StateKey, EventId>();
  for (const id of ids) {
    const known = context.batch.get(id)?.pdu ?? context.source.stored(id)?.pdu;
    if (known === undefined) return `state event ${id} could not be had`;
    if (context.source.stored(id)?.status === 'rejected') return `state event ${id} was rejected`;
    // v12: the create event has no room_id; the room ID names it.
    const isCreate =
      context.rules.createEventImpliedByRoomId && id === `$${context.roomId.slice(1)}`;
    const inRoom = known.room_id === context.roomId || (isCreate && known.room_id === undefined);
    if (!inRoom || typeof known.state_key !== 'string') {
      return `${id} is not a state event of this room`;
    }
    const key = stateKeyOf(known.type, known.state_key);
    if (state.has(key)) return `two state events for ${known.type} ${known.state_key}`;
    state.set(key, id);
  }
  return state;
}

/** Auth events `events` cite that neither the batch nor the store (outliers included) holds. */
function missingAuthEvents(
  context: GapContext,
  events: readonly { eventId: EventId; pdu: Candidate['pdu'] }[],
): EventId[] {
  const missing = new Set<EventId>();
  for (const { pdu } of events) {
    for (const id of pdu.auth_events as EventId[]) {
      if (!context.batch.has(id) && context.source.stored(id) === undefined) missing.add(id);
    }
  }
  return [...missing];
}
