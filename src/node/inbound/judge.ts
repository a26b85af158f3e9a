/**
 * Checks 4–6 on receipt of a PDU, for one room's batch in dependency order:
 * (4) auth against the event's own auth_events, else rejected; (5) auth
 * against the state before the event — the state after its one prev event,
 * or state resolution across several — else rejected; (6) auth against the
 * room's current state, else soft-failed. In memory over what EventSource
 * read; each accepted event moves the batch's view of the room (heads,
 * current state) forward, so the next event is judged against it. Nothing is
 * written here: the verdicts and planned state groups go to the write.
 *
 * Two variations: an event above a gap (its prev events unknown) is judged
 * against the state before it that a remote server gave (`gapStates`, see
 * gap-state.ts); a historical batch (backfill) moves neither the heads nor
 * the current state and skips check 6, which is about the present.
 */
import { checkAuth } from '../../core/auth/check-auth.js';
import type { EventId } from '../../core/ids.js';
import { type Pdu, type StateKey, stateKeyOf } from '../../core/pdu.js';
import type { RoomVersionRules } from '../../core/room-versions.js';
import { resolveState } from '../../core/state-res/resolve-state.js';
import type { RoomRecord } from '../../store/records.js';
import type { Candidate } from './admit.js';
import type { EventSource } from './event-source.js';
import { markFor, type TargetMark } from './marks.js';
import { authSelection, ownAuthProblem } from './own-auth.js';
import { type KnownState, StatePlan, sameState } from './state-plan.js';

/** An event judged and to be stored. */
export interface Verdict {
  candidate: Candidate;
  status: 'accepted' | 'rejected' | 'soft_failed';
  reason?: string;
  /** The state after the event; for a rejected event, the state before it (it changes nothing). */
  after: KnownState;
}

/** An event that cannot be judged yet (something it cites is missing): not stored. */
export interface Pending {
  error: string;
}

/** How a batch is judged. */
export interface JudgeOptions {
  /** Backfilled history: heads and current state stay as they are; no check 6. */
  historical?: boolean;
  /** The state before each event whose prev events are unknown, as a remote server gave it. */
  gapStates?: ReadonlyMap<EventId, Map<StateKey, EventId>>;
  /** True for an event a stored event already cites (it arrived after a gap was closed above it): never a head. */
  hasChild?: (id: EventId) => boolean;
}

/** Judges one room's batch; holds the room's moving heads and current state. */
export class BatchJudge {
  readonly verdicts: Verdict[] = [];
  readonly marks: TargetMark[] = [];
  readonly plan = new StatePlan();
  private readonly byId = new Map<EventId, Verdict>();
  /** The room's state when the batch began, with its stored group: the base of gap states. */
  private readonly start: KnownState;
  heads: EventId[];

  constructor(
    private readonly source: EventSource,
    private readonly rules: RoomVersionRules,
    readonly room: RoomRecord,
    public current: Map<StateKey, EventId>,
    private readonly options: JudgeOptions = {},
  ) {
    this.heads = [...room.heads];
    this.start = { state: current, group: { stored: room.stateGroup } };
  }

  /** Judges `c` (every batch event it cites was judged before); records and returns the verdict. */
  async judge(c: Candidate): Promise<Verdict | Pending> {
    const { pdu, eventId } = c;
    const cited = [...pdu.auth_events, ...pdu.prev_events] as EventId[];
    // Usually read already (the batch's prefetch): then no read and no await.
    const unread = cited.filter((id) => !this.byId.has(id));
    if (!this.source.loaded(unread)) await this.source.load(unread);
    const missingAuth = pdu.auth_events.filter((id) => !this.known(id as EventId));
    if (missingAuth.length > 0) return { error: `missing auth events: ${missingAuth.join(', ')}` };
    const prevStates: KnownState[] = [];
    const gapState = this.options.gapStates?.get(eventId);
    for (const id of pdu.prev_events) {
      const state = this.byId.get(id as EventId)?.after ?? (await this.stateAfter(id as EventId));
      if (state === undefined && gapState === undefined) {
        return { error: `missing prev events: ${id}` };
      }
      if (state !== undefined) prevStates.push(state);
    }
    let before: Map<StateKey, EventId>;
    let base: KnownState;
    if (prevStates.length < pdu.prev_events.length && gapState !== undefined) {
      // Above a gap: the state a remote server gave, stored as a delta over the room's state.
      before = gapState;
      base = this.start;
    } else {
      try {
        // No prev events: the create event, met in history (backfill); the state before it is empty.
        before =
          prevStates.length === 0
            ? new Map()
            : prevStates.length === 1
              ? prevStates[0]!.state
              : await this.resolve(prevStates.map((s) => s.state));
      } catch (cause) {
        return { error: `cannot resolve the state before the event: ${describe(cause)}` };
      }
      base = prevStates[0] ?? this.start;
    }
    this.source.pdus.set(eventId, pdu);
    const reject = (reason: string): Verdict =>
      this.record({
        candidate: c,
        status: 'rejected',
        reason,
        after: this.plan.derive(base, before),
      });

    // The auth events selection, which checks 4, 5 and 6 all use.
    const selection = authSelection(pdu, this.rules);
    // 4. Auth against the event's own auth_events (all versions), else rejected.
    const own = await this.checkOwnAuthEvents(pdu, selection);
    if (own !== undefined) return reject(`by its auth events: ${own}`);
    // checkAuth is a pure function of the event and a set of auth events (one
    // per state key): a later check over the very same events has this answer.
    const passed = this.ownAuthIds(pdu);
    // 5. Auth against the state before the event (all versions), else rejected.
    const atEvent = await this.checkAgainst(pdu, before, selection, passed);
    if (atEvent !== undefined) return reject(`by the state before it: ${atEvent}`);

    const afterState =
      typeof pdu.state_key === 'string'
        ? new Map(before).set(stateKeyOf(pdu.type, pdu.state_key), eventId)
        : before;
    const after = this.plan.derive(base, afterState);
    // 6. Auth against the current state (all versions), else soft-failed. When the
    // event builds on exactly the current heads, the state before it is the current state.
    // History (backfill) is not about the present: no check 6, and it moves nothing.
    if (this.options.historical === true) {
      const verdict = this.record({ candidate: c, status: 'accepted', after });
      await this.noteMark(eventId, pdu, before);
      return verdict;
    }
    if (!sameSet(pdu.prev_events, this.heads)) {
      let current: Map<StateKey, EventId>;
      try {
        current = sameState(this.current, before)
          ? before
          : await this.resolve([this.current, before]);
      } catch (cause) {
        this.source.pdus.delete(eventId);
        return { error: `cannot resolve the current state: ${describe(cause)}` };
      }
      const now = await this.checkAgainst(pdu, current, selection, passed);
      if (now !== undefined) {
        return this.record({ candidate: c, status: 'soft_failed', reason: now, after });
      }
    }
    const verdict = this.record({ candidate: c, status: 'accepted', after });
    await this.advance(eventId, pdu, afterState, before);
    return verdict;
  }

  /** The verdict recorded for a batch event. */
  verdict(id: EventId): Verdict | undefined {
    return this.byId.get(id);
  }

  /** The state after the heads, with its group (planning one when several heads resolve). */
  async roomState(): Promise<KnownState> {
    const first = (await this.stateAfter(this.heads[0]!))!;
    return this.heads.length === 1 ? first : this.plan.derive(first, this.current);
  }

  private record(verdict: Verdict): Verdict {
    this.verdicts.push(verdict);
    this.byId.set(verdict.candidate.eventId, verdict);
    return verdict;
  }

  /** An accepted event: move the heads, the current state, and note its redaction or edit. */
  private async advance(
    eventId: EventId,
    pdu: Pdu,
    afterState: Map<StateKey, EventId>,
    before: Map<StateKey, EventId>,
  ): Promise<void> {
    const remaining = this.heads.filter((h) => !pdu.prev_events.includes(h));
    const cited = this.options.hasChild?.(eventId) === true && remaining.length > 0;
    this.heads = cited ? remaining : [...remaining, eventId];
    if (this.heads.length === 1 && this.heads[0] === eventId) this.current = afterState;
    else {
      const states = await Promise.all(this.heads.map((h) => this.stateAfter(h)));
      this.current = await this.resolve(states.map((s) => s!.state));
    }
    await this.noteMark(eventId, pdu, before);
  }

  /** Notes the redaction or edit an accepted event makes. */
  private async noteMark(eventId: EventId, pdu: Pdu, before: Map<StateKey, EventId>) {
    const mark = await markFor(pdu, eventId, before, this.source, this.rules, (id) =>
      this.byId.get(id),
    );
    if (mark !== undefined) this.marks.push(mark);
  }

  private known(id: EventId): boolean {
    return this.byId.has(id) || this.source.stored(id) !== undefined;
  }

  /** The state after a judged or stored event; undefined if unknown or an outlier. */
  private async stateAfter(id: EventId): Promise<KnownState | undefined> {
    const judged = this.byId.get(id);
    if (judged !== undefined) return judged.after;
    // A head that no batch event cites (met by roomState and advance) may not be loaded yet.
    await this.source.load([id]);
    const group = this.source.stored(id)?.stateGroup;
    if (group === undefined) return undefined;
    return { state: await this.source.state(group), group: { stored: group } };
  }

  /** One state as is; several resolved (state resolution v2 / v2.1). */
  private async resolve(states: Map<StateKey, EventId>[]): Promise<Map<StateKey, EventId>> {
    if (states.length === 1 || states.every((s) => sameState(s, states[0]!))) return states[0]!;
    await this.source.loadAuthChains(states.flatMap((s) => [...s.values()]));
    return resolveState(this.rules.id, states, this.source.pdus) as Map<StateKey, EventId>;
  }

  /** Check 4 (own-auth.ts) over the batch's verdicts and the stored events. */
  private async checkOwnAuthEvents(
    pdu: Pdu,
    selection: readonly StateKey[],
  ): Promise<string | undefined> {
    let create: Pdu | undefined;
    if (this.rules.createEventImpliedByRoomId) {
      // v12: the room ID names the create event, which auth_events must not list.
      const createId = `$${this.source.roomId.slice(1)}` as EventId;
      if (!this.source.loaded([createId])) await this.source.load([createId]);
      create = this.source.pdus.get(createId);
    }
    return ownAuthProblem(
      pdu,
      this.source.roomId,
      this.rules,
      selection,
      (id) => {
        const judged = this.byId.get(id);
        if (judged !== undefined) return { pdu: judged.candidate.pdu, status: judged.status };
        return this.source.stored(id);
      },
      create,
    );
  }

  /** The events check 4 gave checkAuth: the auth events, and the create event the v12 room ID names. */
  private ownAuthIds(pdu: Pdu): ReadonlySet<EventId> {
    const ids = new Set(pdu.auth_events as EventId[]);
    if (this.rules.createEventImpliedByRoomId)
      ids.add(`$${this.source.roomId.slice(1)}` as EventId);
    return ids;
  }

  /**
   * checkAuth against the events `state` holds for the selection (and the
   * create event); allowed at once when they are exactly `passed`, the events
   * the event already passed checkAuth with.
   */
  private async checkAgainst(
    pdu: Pdu,
    state: Map<StateKey, EventId>,
    selection: readonly StateKey[],
    passed: ReadonlySet<EventId>,
  ): Promise<string | undefined> {
    const keys = [CREATE_KEY, ...selection];
    const ids = [...new Set(keys.map((k) => state.get(k)).filter((id) => id !== undefined))];
    if (ids.length === passed.size && ids.every((id) => passed.has(id))) return undefined;
    if (!this.source.loaded(ids)) await this.source.load(ids);
    const events = ids.map((id) => this.source.pdus.get(id)).filter((e) => e !== undefined);
    const result = checkAuth(pdu, events, this.rules.id);
    return result.allowed ? undefined : result.reason;
  }
}

const CREATE_KEY = stateKeyOf('m.room.create', '');

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((id) => set.has(id));
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
