import type { Remote } from 'comlink';
import type { ReactiveControllerHost } from 'lit';
import type { NodeApi, NodeChange, TimelineItem } from '../node/api.js';
import { coalesce } from './coalesce.js';
import { errorText } from './errors.js';
import { renderedItems, visibleRange } from './timeline-anchor.js';
import { itemOf, WindowChanges } from './timeline-changes.js';
import { ReadGenerations } from './timeline-freshness.js';
import { lowerBound } from './timeline-merge.js';
import { StepPace } from './timeline-pace.js';
import { type BackfillHandler, readBackfill, readNewer, readOlder } from './timeline-paging.js';
import { readRange, readSince } from './timeline-reads.js';
import type { ScrollFollow } from './timeline-scroll.js';
import { PAGE } from './timeline-sizes.js';
import { TimelineWindow } from './timeline-window.js';

/** What the reader needs of the element that shows the timeline. */
export interface ReaderView {
  /** The node's API, while a session is open. */
  api(): Remote<NodeApi> | undefined;
  /** The room shown. */
  roomId(): string;
  /** Asks other servers for older events, when the room view can. */
  onBackfill(): BackfillHandler | undefined;
  scroller(): HTMLElement | undefined;
  /** The container of the item elements. */
  list(): HTMLElement | undefined;
  /** The window changed: show its items. */
  sync(): void;
  /** Items new to the room came in at the bottom. */
  arrived(items: readonly TimelineItem[]): void;
}

/** What the element shows about the reads (a change renders it again). */
export interface ReadStatus {
  /** The first page has been read. */
  loaded: boolean;
  /** Why the last read failed, until one succeeds. */
  error: string | undefined;
  loadingOlder: boolean;
  backfilling: boolean;
  /** The room has nothing older, here or (as far as backfill knows) elsewhere. */
  atStart: boolean;
}

const START: ReadStatus = {
  loaded: false,
  error: undefined,
  loadingOlder: false,
  backfilling: false,
  atStart: false,
};

/**
 * Reads a room into the timeline's window (timeline-window.ts): the newest
 * page first, then after each node change the new events and the items on
 * screen again (coalesced), and near an end the next items (timeline-paging.ts).
 * Each read belongs to a `reading`: a new room or a jump to the newest starts
 * another, and reads of the one before end by themselves when they see it.
 */
export class TimelineReader {
  /** The part of the room held, oldest first, hidden items included. */
  window = new TimelineWindow();
  /** Which held items were read before the room last changed. */
  readonly reads = new ReadGenerations();
  /** Items put in per frame when reading older or newer items. */
  readonly pace = new StepPace();
  /** Dropped newer items are being read again. */
  loadingNewer = false;
  #reading = 0;
  /** Changes that needed a read, and how many of them a finished read covered. */
  #changesOwed = 0;
  #changesRead = 0;
  #status = START;
  /** Window changes, one at a time: each measures, changes, renders and restores the view. */
  readonly #changes = new WindowChanges(this);
  /** Re-reads after node changes, coalesced (see coalesce.ts). */
  readonly refreshSoon = coalesce(() => this.refresh());

  constructor(
    readonly host: ReactiveControllerHost,
    readonly view: ReaderView,
    readonly scroll: ScrollFollow,
  ) {}

  /** Reads older items (the "Load older" button, or near the top). */
  readonly loadOlder = (): Promise<void> => readOlder(this);
  /** Asks other servers for older events (the button, or near the top). */
  readonly backfill = (): Promise<void> => readBackfill(this);

  /** The current reading: a read that finds another has started drops what it read. */
  get reading(): number {
    return this.#reading;
  }

  get status(): Readonly<ReadStatus> {
    return this.#status;
  }

  /** Changes the status; the element renders again when a value changed (as for a Lit state). */
  set(patch: Partial<ReadStatus>): void {
    const next = { ...this.#status, ...patch };
    const keys = Object.keys(next) as (keyof ReadStatus)[];
    if (keys.every((key) => next[key] === this.#status[key])) return;
    this.#status = next;
    this.host.requestUpdate();
  }

  /** Another room (or session): start again from its newest page. */
  reset(): void {
    this.window = new TimelineWindow();
    this.reads.clear();
    // Reads for the room before end by themselves (they check `reading`).
    this.set(START);
    this.loadingNewer = false;
    void this.reload();
  }

  /**
   * The room changed on the node. New events that change no older item come
   * with their items: at the bottom, with no read owed, they are shown as
   * they are (no round trip to the node). Anything else starts a read.
   */
  nodeChanged(change: NodeChange): void {
    const items = change.kind === 'timeline' ? change.items : undefined;
    if (items !== undefined && this.#appendable(items)) {
      void this.#append(items);
      return;
    }
    this.#changesOwed++;
    this.reads.changed();
    void this.refreshSoon();
  }

  /**
   * Whether `items` (oldest first) can go straight in at the bottom: the
   * window holds the newest events and is followed, and no read is owed for
   * an earlier change (its events could be older than these, and the read
   * for them starts from the newest held).
   */
  #appendable(items: readonly TimelineItem[]): boolean {
    const win = this.window;
    const first = items[0];
    return (
      first !== undefined &&
      this.#status.loaded &&
      this.#changesRead === this.#changesOwed &&
      !this.loadingNewer &&
      win.live &&
      this.scroll.sticky &&
      first.streamOrder > (win.items.at(-1)?.streamOrder ?? -1)
    );
  }

  async #append(items: readonly TimelineItem[]): Promise<void> {
    const reading = this.#reading;
    const win = this.window;
    this.reads.mark(items, this.reads.current);
    let arrived: TimelineItem[] = [];
    await this.change(() => {
      // Pages are merged newest first, as the node reads them.
      if (reading === this.#reading && win === this.window) {
        arrived = win.merge([...items].reverse()).added;
      }
    }, 'either');
    this.view.arrived(arrived);
  }

  /** The newest page: the first reading of a room, or a jump back to the newest. */
  async reload(): Promise<void> {
    const api = this.view.api();
    const roomId = this.view.roomId();
    if (!api || !roomId) return;
    const reading = ++this.#reading;
    const generation = this.reads.current;
    const owed = this.#changesOwed;
    try {
      const page = await api.timeline(roomId, { limit: PAGE });
      if (reading !== this.#reading) return;
      // The newest page holds every change owed when it was asked for.
      this.#changesRead = Math.max(this.#changesRead, owed);
      this.reads.clear();
      this.reads.mark(page.items, generation);
      await this.change(() => {
        if (reading === this.#reading) this.window.reset(page);
      }, 'older');
      if (reading !== this.#reading) return;
      this.set({ loaded: true, error: undefined });
    } catch (error) {
      if (reading === this.#reading)
        this.set({ error: `Could not read the timeline: ${errorText(error)}` });
      return;
    }
    await this.host.updateComplete;
    this.scroll.followBottom();
    if (reading === this.#reading) this.checkEnds();
  }

  /** After a node change: new events at the bottom, and the items on screen again. */
  async refresh(): Promise<void> {
    const api = this.view.api();
    const roomId = this.view.roomId();
    if (!api || !roomId || !this.#status.loaded) return;
    const owed = this.#changesOwed;
    const reading = this.#reading;
    const generation = this.reads.current;
    const win = this.window;
    try {
      const known = win.live ? (win.items.at(-1)?.streamOrder ?? -1) : win.liveEdge;
      const oldest = win.items[0]?.streamOrder ?? -1;
      // At the bottom, the newest items are all that will show: a burst is not read whole.
      const atBottom = win.live && this.scroll.sticky;
      const since = await readSince(
        api,
        roomId,
        known,
        atBottom ? this.scroll.limit(true) : undefined,
      );
      const read = since.items;
      const fresh = read.filter((item) => item.streamOrder > known);
      const onScreen = since.complete
        ? await this.#readOnScreen(read.at(-1)?.streamOrder ?? known + 1)
        : [];
      if (reading !== this.#reading || win !== this.window) return;
      this.reads.mark(read, generation);
      this.reads.mark(onScreen, generation);
      let arrived: TimelineItem[] = [];
      await this.change(() => {
        if (!since.complete) {
          arrived = fresh;
          // The reader left the bottom meanwhile: what arrived is read when they get there.
          if (!this.scroll.sticky) return win.noteArrivals(fresh);
          // More arrived than the bottom holds: start again from the newest.
          win.reset({ items: read, next: String((read.at(-1) as TimelineItem).streamOrder) });
          this.reads.clear();
          this.reads.mark(read, generation);
          return;
        }
        win.merge(onScreen);
        if (win.live) {
          // Older than what is held belongs to the older token, not here.
          arrived = win.merge(read.filter((item) => item.streamOrder >= oldest)).added;
        } else {
          win.noteArrivals(fresh);
          arrived = fresh;
        }
      }, 'either');
      this.set({ error: undefined });
      // Everything up to the changes owed when this read started is held now.
      if (reading === this.#reading) this.#changesRead = Math.max(this.#changesRead, owed);
      this.view.arrived(arrived);
    } catch (error) {
      if (reading === this.#reading)
        this.set({ error: `Could not read the timeline: ${errorText(error)}` });
    }
  }

  /** The items on screen, read again unless the newest read covered them. */
  async #readOnScreen(coveredFrom: number): Promise<TimelineItem[]> {
    const api = this.view.api();
    const roomId = this.view.roomId();
    const scroller = this.view.scroller();
    const elements = renderedItems(this.view.list());
    const range = scroller ? visibleRange(scroller, elements) : undefined;
    const top = range && itemOf(elements[range.first]);
    const bottom = range && itemOf(elements[range.last]);
    if (!api || !top || !bottom || top.streamOrder >= coveredFrom) return [];
    const items = this.window.items;
    const count = lowerBound(items, bottom.streamOrder + 1) - lowerBound(items, top.streamOrder);
    return readRange(api, roomId, top.streamOrder, bottom.streamOrder, count);
  }

  /** Changes the window and keeps the view in place (see timeline-changes.ts). */
  change(mutate: () => void, away: 'older' | 'newer' | 'either'): Promise<void> {
    return this.#changes.run(mutate, away);
  }

  /** Near an end: read older items (locally or from other servers) or the dropped newer ones. */
  checkEnds(): void {
    if (!this.view.scroller() || !this.#status.loaded) return;
    if (!this.window.live && !this.loadingNewer && this.scroll.nearBottom()) void readNewer(this);
    if (this.#status.loadingOlder || this.#status.backfilling || !this.scroll.nearTop()) return;
    if (this.window.older) void this.loadOlder();
    else if (!this.#status.atStart) void this.backfill();
  }

  /** Items that come into view after a change elsewhere are read again. */
  checkStale(): void {
    const scroller = this.view.scroller();
    if (!scroller || this.reads.current === 0) return;
    const elements = renderedItems(this.view.list());
    const range = visibleRange(scroller, elements);
    if (!range) return;
    for (let i = range.first; i <= range.last; i++) {
      const item = itemOf(elements[i]);
      if (item && this.reads.isStale(item.eventId)) {
        void this.refreshSoon();
        return;
      }
    }
  }
}
