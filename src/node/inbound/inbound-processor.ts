/**
 * The inbound PDU pipeline (doc/inbound.md): PDUs another server sent, grouped
 * by room, each room under the same lock as local sends. Per room, in phases:
 * checks 1–3 (admit.ts, async: signatures), fetch what is missing (the
 * federation layer's callback), checks 4–6 in dependency order (judge.ts, in
 * memory over short reads), ONE write (write-inbound.ts), then — after the
 * commit — drop the room's in-memory state and tell listeners.
 *
 * A gap the walk cannot close is filled from the state before the events
 * above it (gap-state.ts: outliers). A historical batch (backfill) takes the
 * same path with no walk, and goes below the timeline's oldest event.
 */
import type { EventId, RoomId } from '../../core/ids.js';
import { isJsonObject } from '../../core/json.js';
import { type StateKey, stateKeyOf } from '../../core/pdu.js';
import { type RoomVersionRules, roomVersionRules } from '../../core/room-versions.js';
import type { EventRecord, RoomRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { NodeChange, TimelineItem } from '../api.js';
import type { ChangeHub } from '../change-hub.js';
import type { NewestChange } from '../room-cache.js';
import { type FreshEvent, freshItems } from '../timeline-view.js';
import { admit, type Candidate, startAdmission } from './admit.js';
import { batchOrder } from './batch-order.js';
import { EventSource } from './event-source.js';
import { fillGaps, type GapFill, gapRoots } from './gap-state.js';
import { oldestStreamOrder } from './history-position.js';
import { BatchJudge } from './judge.js';
import { KnownEvents } from './known-events.js';
import { RecentEvents } from './recent-events.js';
import { sameState } from './state-plan.js';
import type { InboundReport, ReceiveOptions } from './types.js';
import { writeInbound } from './write-inbound.js';

/** At most this many `fetchMissing` rounds per room per batch. */
export const MAX_FETCH_ROUNDS = 5;

/** What the processor needs from its node. */
export interface InboundContext {
  store: Store;
  /** Runs `fn` under the room's write lock (the one local sends take). */
  lock: <T>(roomId: string, fn: () => Promise<T>) => Promise<T>;
  /**
   * Told after a commit, before listeners hear: the room's in-memory view is
   * behind the store now; `stateMoved` says whether its current state changed
   * too, or only its record (heads, stream position, unread count). `after`
   * is the record as written, its heads' greatest depth and the room's newest
   * timeline item, when known.
   */
  committed: (
    roomId: RoomId,
    stateMoved: boolean,
    after?: { record: RoomRecord; depth: number; newest: NewestChange },
  ) => void;
  /** The room's current record, from memory where the node has it (RoomCaches.record). */
  roomRecord: (roomId: RoomId) => Promise<RoomRecord | undefined>;
  hub: ChangeHub;
  /** The local user: their own events never count as unread. */
  localUser: () => string;
}

/** Receives PDUs from other servers. */
export class InboundProcessor {
  /** Events stored lately, so a second copy skips checks 1–3. */
  private readonly recent = new RecentEvents();
  /** Records and states stored or read lately, so the next batch does not read them again. */
  private readonly known = new KnownEvents();
  /** Unknown prev events of events placed through a gap: when they arrive, they are not heads. */
  private readonly gapPrevs = new Set<EventId>();

  constructor(private readonly context: InboundContext) {}

  /** Runs the checks on `pdus` (raw JSON) from `origin` and stores what passes; see InboundReport. */
  async receive(origin: string, pdus: unknown[], options: ReceiveOptions): Promise<InboundReport> {
    const report: InboundReport = { pdus: {}, outcomes: {}, unkeyed: [] };
    const byRoom = new Map<string, { index: number; raw: unknown }[]>();
    pdus.forEach((raw, index) => {
      const roomId = isJsonObject(raw) ? raw.room_id : undefined;
      if (typeof roomId !== 'string') {
        report.unkeyed.push({ index, error: 'PDU has no room_id' });
        return;
      }
      const items = byRoom.get(roomId);
      if (items === undefined) byRoom.set(roomId, [{ index, raw }]);
      else items.push({ index, raw });
    });
    // `origin` is the transaction's sender; each PDU is judged by its own signatures, not by who relayed it.
    void origin;
    await Promise.all(
      [...byRoom].map(([roomId, items]) =>
        this.context.lock(roomId, () => this.receiveRoom(roomId as RoomId, items, options, report)),
      ),
    );
    return report;
  }

  private async receiveRoom(
    roomId: RoomId,
    items: { index: number; raw: unknown }[],
    options: ReceiveOptions,
    report: InboundReport,
  ): Promise<void> {
    const source = new EventSource(this.context.store, roomId, this.known);
    const room = await this.context.roomRecord(roomId);
    if (room === undefined) {
      for (const { index } of items) report.unkeyed.push({ index, error: 'not in this room' });
      return;
    }
    const rules = roomVersionRules(room.roomVersion);
    const note = (id: EventId, outcome: InboundReport['outcomes'][string]) => {
      report.outcomes[id] = outcome;
      report.pdus[id] =
        outcome.status === 'dropped' || outcome.status === 'pending'
          ? { error: outcome.reason ?? outcome.status }
          : {};
    };
    // A copy of an event stored lately is a duplicate: no need to verify it again.
    const unseen = items.filter(({ raw }) => {
      const known = this.recent.match(raw);
      if (known !== undefined) note(known, { status: 'duplicate' });
      return known === undefined;
    });
    // Signatures are checked by WebCrypto while the store is read: the read
    // covers every PDU that may be admitted (the admitted are a subset of the
    // provisional candidates), so nothing waits for the other.
    const started = unseen.map(({ raw }) => startAdmission(raw, roomId, rules, options.keyLookup));
    const early = started.flatMap((s) => (s.provisional === undefined ? [] : [s.provisional]));
    // One read: the batch's own IDs (duplicates), what they cite, the current state.
    const cited = early.flatMap((c) => [...c.pdu.prev_events, ...c.pdu.auth_events]);
    if (rules.createEventImpliedByRoomId) cited.push(`$${roomId.slice(1)}` as EventId);
    const own = early.map((c) => c.eventId);
    const reading = source.prefetch(
      [...own, ...(cited as EventId[])],
      room.stateGroup,
      new Set(own),
    );
    const [admitted, , proceed] = await Promise.all([
      Promise.all(started.map((s) => s.done)),
      reading,
      options.proceed ?? true,
    ]);
    if (!proceed) return;
    const fresh = new Map<EventId, Candidate>();
    admitted.forEach((a, i) => {
      if (a.ok) fresh.set(a.candidate.eventId, a.candidate);
      else if (a.eventId !== undefined) note(a.eventId, { status: 'dropped', reason: a.error });
      else report.unkeyed.push({ index: unseen[i]!.index, error: a.error });
    });
    const historical = options.historical === true;
    // History may bring back events stored as outliers (the state we joined with): they take their place.
    const upgrades = new Map<EventId, EventRecord>();
    for (const id of fresh.keys()) {
      const stored = source.stored(id);
      if (stored === undefined) continue;
      if (historical && stored.status === 'outlier') upgrades.set(id, stored);
      else {
        fresh.delete(id);
        note(id, { status: 'duplicate' });
      }
    }
    const reported = new Set(fresh.keys());
    if (!historical) await this.fetchMissing(source, room, rules, fresh, options);
    const gaps = await this.fillGaps(source, rules, room.roomId, fresh, options);

    const judge = new BatchJudge(source, rules, room, await source.state(room.stateGroup), {
      historical,
      gapStates: gaps.gapStates,
      hasChild: (id) => this.gapPrevs.has(id),
    });
    const { ordered, cyclic } = batchOrder([...fresh.values()]);
    for (const c of cyclic) note(c.eventId, { status: 'pending', reason: 'cites itself' });
    const startState = judge.current;
    for (const c of ordered) {
      const verdict = await judge.judge(c);
      if (!reported.has(c.eventId)) continue;
      if ('error' in verdict) note(c.eventId, { status: 'pending', reason: verdict.error });
      else {
        const reason = verdict.reason ?? c.redactedReason;
        note(
          c.eventId,
          reason === undefined ? { status: verdict.status } : { status: verdict.status, reason },
        );
      }
    }
    if (judge.verdicts.length === 0 && gaps.outliers.length === 0) return;
    const accepted = judge.verdicts.filter((v) => v.status === 'accepted');
    const localUser = this.context.localUser();
    const write: Parameters<typeof writeInbound>[1] = {
      room,
      verdicts: judge.verdicts,
      groups: judge.plan.groups,
      marks: judge.marks,
      heads: judge.heads,
      roomState: historical
        ? { state: startState, group: { stored: room.stateGroup } }
        : await judge.roomState(),
      unread: historical
        ? 0
        : accepted.filter(
            (v) => v.candidate.pdu.state_key === undefined && v.candidate.pdu.sender !== localUser,
          ).length,
      outliers: gaps.outliers,
      upgrades,
    };
    if (historical) {
      write.historyBelow = (await oldestStreamOrder(this.context.store, roomId)) ?? 0;
    }
    const written = await writeInbound(this.context.store, write);
    for (const v of judge.verdicts) this.recent.remember(v.candidate.eventId, v.candidate.pdu);
    for (const record of written.records) this.known.rememberRecord(record);
    this.known.rememberState(written.groupOf(write.roomState.group), write.roomState.state);
    for (const [id] of gaps.gapStates) {
      if (judge.verdict(id) === undefined) continue;
      for (const prev of fresh.get(id)!.pdu.prev_events as EventId[]) {
        if (source.stored(prev) === undefined && !fresh.has(prev)) this.gapPrevs.add(prev);
      }
    }
    // Committed: the in-memory state is stale now, then listeners hear.
    const stateMoved = !historical && !sameState(startState, judge.current);
    const depth = headsDepth(written.room.heads, written.records, source);
    const newTimelineItems =
      accepted.length === 0 || historical || judge.marks.length > 0
        ? undefined
        : newItems(written.records, judge.current, source);
    // The newest item moves only with new accepted events; marks may change it.
    const keepsNewest = (accepted.length === 0 || historical) && judge.marks.length === 0;
    this.context.committed(
      roomId,
      stateMoved,
      depth === undefined
        ? undefined
        : {
            record: written.room,
            depth,
            newest: keepsNewest ? 'kept' : { item: newTimelineItems?.at(-1) },
          },
    );
    const changes: NodeChange[] = [];
    if (accepted.length > 0) {
      this.context.hub.emitCommittedEvents({
        roomId,
        events: accepted.map((v) => ({ eventId: v.candidate.eventId, pdu: v.candidate.pdu })),
      });
      const timeline: NodeChange = {
        kind: 'timeline',
        roomId,
        eventIds: accepted.map((v) => v.candidate.eventId),
      };
      if (newTimelineItems !== undefined) timeline.items = newTimelineItems;
      changes.push(timeline);
    }
    if (stateMoved) changes.push({ kind: 'state', roomId });
    changes.push({ kind: 'rooms' });
    this.context.hub.emit(changes);
  }

  /** Fetches the state before each gap root (events whose prev events stay unknown) and its outliers. */
  private async fillGaps(
    source: EventSource,
    rules: RoomVersionRules,
    roomId: RoomId,
    batch: Map<EventId, Candidate>,
    options: ReceiveOptions,
  ): Promise<GapFill> {
    const none: GapFill = { gapStates: new Map(), outliers: [], failures: new Map() };
    if (options.fetchGap === undefined || batch.size === 0) return none;
    await source.load([...batch.values()].flatMap((c) => c.pdu.prev_events as EventId[]));
    const roots = gapRoots(batch, source);
    const context = {
      source,
      rules,
      roomId,
      batch,
      fetcher: options.fetchGap,
      keyLookup: options.keyLookup,
    };
    return fillGaps(context, roots);
  }

  /** Asks `fetchMissing` for cited events neither the batch nor the store has, adding what passes checks 1–3. */
  private async fetchMissing(
    source: EventSource,
    room: RoomRecord,
    rules: RoomVersionRules,
    batch: Map<EventId, Candidate>,
    options: ReceiveOptions,
  ): Promise<void> {
    const fetch = options.fetchMissing;
    for (let round = 0; fetch !== undefined && round < MAX_FETCH_ROUNDS; round++) {
      const prevs = new Set([...batch.values()].flatMap((c) => c.pdu.prev_events as EventId[]));
      const cited = [...batch.values()].flatMap((c) => [
        ...c.pdu.prev_events,
        ...c.pdu.auth_events,
      ]) as EventId[];
      await source.load(cited);
      // A prev event needs its state (an outlier has none); an auth event only needs to be stored.
      const missing = [...new Set(cited)].filter((id) => {
        if (batch.has(id)) return false;
        const stored = source.stored(id);
        return prevs.has(id) ? stored?.stateGroup === undefined : stored === undefined;
      });
      if (missing.length === 0) return;
      const latest = [...batch.values()]
        .filter((c) =>
          [...c.pdu.prev_events, ...c.pdu.auth_events].some((id) =>
            missing.includes(id as EventId),
          ),
        )
        .map((c) => c.eventId);
      const raws = await fetch({ roomId: room.roomId, missing, latest, earliest: room.heads });
      const fetched = await Promise.all(
        raws.map((raw) => admit(raw, room.roomId, rules, options.keyLookup)),
      );
      const fresh = fetched.flatMap((a) => (a.ok ? [a.candidate] : []));
      await source.load(fresh.map((c) => c.eventId));
      let added = 0;
      for (const c of fresh) {
        if (batch.has(c.eventId) || source.stored(c.eventId) !== undefined) continue;
        batch.set(c.eventId, c);
        added++;
      }
      if (added === 0) return;
    }
  }
}

/** The greatest depth among `heads`, from the records just written or read; undefined if one is unknown. */
function headsDepth(
  heads: readonly EventId[],
  written: readonly EventRecord[],
  source: EventSource,
): number | undefined {
  let depth = 0;
  for (const head of heads) {
    const record = written.find((r) => r.eventId === head) ?? source.stored(head);
    if (record === undefined) return undefined;
    depth = Math.max(depth, record.depth);
  }
  return depth;
}

/**
 * The batch's accepted events as timeline items for the change notice
 * (`freshItems`), with sender names from the state after the batch; undefined
 * when a sender's member event is not at hand (the view reads them instead).
 */
function newItems(
  records: readonly EventRecord[],
  state: ReadonlyMap<StateKey, EventId>,
  source: EventSource,
): TimelineItem[] | undefined {
  const fresh: FreshEvent[] = [];
  const names = new Map<string, string | undefined>();
  for (const record of records) {
    if (record.status !== 'accepted' || record.streamOrder === undefined) continue;
    if (record.redactedBy !== undefined || record.editedBy !== undefined) return undefined;
    fresh.push({ eventId: record.eventId, pdu: record.pdu, streamOrder: record.streamOrder });
    const sender = record.pdu.sender;
    if (names.has(sender)) continue;
    const memberId = state.get(stateKeyOf('m.room.member', sender));
    const member = memberId === undefined ? undefined : source.pdus.get(memberId);
    if (memberId !== undefined && member === undefined) return undefined;
    const name = member?.content.displayname;
    names.set(sender, typeof name === 'string' ? name : undefined);
  }
  return freshItems(fresh, (user) => names.get(user));
}
