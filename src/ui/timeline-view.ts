import type { Remote } from 'comlink';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { NodeApi, TimelineItem, TimelinePage } from '../node/api.js';
import { coalesce } from './coalesce.js';
import { isShownItem, type PreviousMember, senderLabel } from './describe-event.js';
import { errorText } from './errors.js';
import { typingText } from './format.js';
import { type NodeSession, SessionListener } from './node-session.js';
import {
  arrowTarget,
  captureAnchor,
  renderedItems,
  restoreAnchor,
  type VisibleRange,
  visibleRange,
} from './timeline-anchor.js';
import { isEditable } from './timeline-item.js';
import { ItemElements } from './timeline-list.js';
import { lowerBound, rememberPreviousMembers } from './timeline-merge.js';
import { afterPaint, StepPace } from './timeline-pace.js';
import { readRange, readSince } from './timeline-reads.js';
import { timelineStyles } from './timeline-styles.js';
import { type KeepRange, TimelineWindow } from './timeline-window.js';

/** Items read for the first page of a room. */
const PAGE = 60;
/** The most items held (and rendered) while the reader is away from the bottom. */
const MAX_ITEMS = 120;
/** At the bottom, the window holds this many items at least (more for a tall view). */
const MIN_STICKY_ITEMS = 24;
/** The most items one read of dropped newer items asks for (the node allows 1,000). */
const MAX_READ = 1000;
/** Within this many pixels of the bottom counts as "at the bottom". */
const BOTTOM_SLACK = 48;
/** Within this many pixels of either end (at least; two screens for a tall view), more is read. */
const PREFETCH_SLACK = 600;
/** A scroll this soon after a wheel, touch, key or pointer press is the user's. */
const INTENT_MS = 800;
/** Membership lines' previous contents remembered beyond the window. */
const MAX_PREVIOUS_MEMBERS = 5000;

/**
 * Answers whether older events may exist on other servers: resolves true when
 * it fetched some (the timeline reads them), false when the room has no more.
 */
export type BackfillHandler = () => Promise<boolean>;

/**
 * `<tp-timeline>`: a room's events, newest at the bottom. It holds a bounded
 * window of the room (timeline-window.ts), all of it rendered in normal flow:
 * scrolling near the top reads older items a few per frame and keeps the view
 * where it was (timeline-anchor.ts), dropping items far below; scrolling back
 * down reads the dropped ones again. New events keep the view at the bottom
 * when it was there (the window then holds little more than a screen), and
 * otherwise count in a "new messages" button. When the local history ends,
 * the optional `onBackfill` asks other servers. Node changes re-read,
 * coalesced: the new events, and the items on screen (an edit or a redaction
 * changes old items; items off screen are re-read when they come into view).
 * Fires `tp-new-events` when a change brought events.
 */
@customElement('tp-timeline')
export class TimelineView extends LitElement {
  /** Re-reads after node changes, coalesced (see coalesce.ts). */
  readonly #refreshSoon = coalesce(() => this.refresh());
  /** The running node: its API and change feed. */
  @property({ attribute: false }) session?: NodeSession;
  private get api(): Remote<NodeApi> | undefined {
    return this.session?.api;
  }
  /** The room to show. */
  @property() roomId = '';
  /** The local user (own messages can be edited). */
  @property() userId = '';
  /** Developer marks: also show rejected and soft-failed events and redaction events. */
  @property({ type: Boolean }) showHidden = false;
  /** Display names of the people typing in the room now. */
  @property({ attribute: false }) typingUsers: readonly string[] = [];
  /** Read receipts: event ID → display names of those who have read up to it. */
  @property({ attribute: false }) readUpTo?: ReadonlyMap<string, readonly string[]>;
  /** Asks other servers for older events once the local history is exhausted. */
  @property({ attribute: false }) onBackfill?: BackfillHandler;

  @state() private loaded = false;
  @state() private error?: string;
  @state() private loadingOlder = false;
  @state() private backfilling = false;
  /** The room has nothing older, here or (as far as backfill knows) elsewhere. */
  @state() private atStart = false;
  /** New items that arrived while the view was scrolled up. */
  @state() private unseen = 0;
  /** What the live region says about new messages. */
  @state() private announcement = '';
  @query('.scroller') private scroller?: HTMLElement;
  @query('.list') private list?: HTMLElement;

  /** The part of the room held, oldest first, hidden items included. */
  #window = new TimelineWindow();
  /** The items rendered (the window's shown ones), oldest first. */
  private shown: TimelineItem[] = [];
  /** For membership events: the member's content before, when an earlier item told it. */
  readonly #previousMembers = new Map<string, PreviousMember>();
  #reading = 0;
  #sticky = true;
  #loadingNewer = false;
  /** Bumped on each node change: items read before it may be stale. */
  #generation = 0;
  /** The generation at which each held event was last read. */
  readonly #readAt = new Map<string, number>();
  #intentAt = Number.NEGATIVE_INFINITY;
  /** Items put in per frame when reading older or newer items. */
  readonly #pace = new StepPace();
  /** The item elements, one per shown item, in the list. */
  readonly #elements = new ItemElements();
  /** Window changes, one at a time: each measures, changes, renders and restores the view. */
  #changes: Promise<void> = Promise.resolve();
  #resize?: ResizeObserver;

  constructor() {
    super();
    new SessionListener(
      this,
      () => this.session,
      (change) => {
        if (
          (change.kind === 'timeline' || change.kind === 'state') &&
          change.roomId === this.roomId
        ) {
          this.#generation++;
          void this.#refreshSoon();
        }
      },
    );
  }

  static override styles = timelineStyles;

  /** The newest message of the user's own that can be edited (when the newest items are held). */
  lastOwnEditable(): TimelineItem | undefined {
    if (!this.#window.live) return undefined;
    return this.#window.items.findLast(
      (item) => isShownItem(item, false) && isEditable(item, this.userId),
    );
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Items can change height (fonts, a confirmation row): stay at the bottom if there.
    this.#resize = new ResizeObserver(() => this.#followBottom());
    if (this.list) this.#resize.observe(this.list);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize?.disconnect();
  }

  protected override firstUpdated(): void {
    if (this.list) this.#resize?.observe(this.list);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('roomId') || changed.has('session')) {
      this.#window = new TimelineWindow();
      this.shown = [];
      this.#readAt.clear();
      this.#previousMembers.clear();
      this.loaded = false;
      // Reads for the room before end by themselves (they check #reading).
      this.loadingOlder = false;
      this.backfilling = false;
      this.#loadingNewer = false;
      this.atStart = false;
      this.unseen = 0;
      this.error = undefined;
      this.#sticky = true;
      void this.reload();
    }
    if (changed.has('showHidden')) this.#sync();
  }

  protected override updated(): void {
    if (this.list) {
      this.#elements.sync(this.list, this.shown, (element, item) => {
        element.item = item;
        element.previousMember = this.#previousMembers.get(item.eventId);
        element.userId = this.userId;
        element.roomId = this.roomId;
        element.session = this.session;
        element.seenBy = this.readUpTo?.get(item.eventId);
      });
    }
    this.#followBottom();
  }

  /**
   * Keeps the view at the bottom while it is "sticky", unless the user has just
   * scrolled away (their scroll event may not have arrived yet).
   */
  #followBottom(): void {
    const scroller = this.scroller;
    if (!scroller || !this.#sticky || !this.#window.live) return;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    if (fromBottom >= BOTTOM_SLACK && performance.now() - this.#intentAt < INTENT_MS) {
      this.#sticky = false;
      return;
    }
    this.scrollToBottom();
  }

  /** `shown` and the membership lines' previous contents, from the window. */
  #sync(): void {
    const items = this.#window.items;
    this.shown = items.filter((item) => isShownItem(item, this.showHidden));
    rememberPreviousMembers(this.#previousMembers, items, MAX_PREVIOUS_MEMBERS);
    this.requestUpdate();
  }

  /** The most items the window holds now: little more than a screen at the bottom. */
  #maxItems(sticky: boolean): number {
    // Items are about 40 px or taller: a tall view needs more of them.
    const perScreen = (this.scroller?.clientHeight ?? 0) / 40;
    return sticky
      ? Math.max(MIN_STICKY_ITEMS, Math.ceil(1.5 * perScreen))
      : Math.max(MAX_ITEMS, Math.ceil(6 * perScreen));
  }

  /**
   * Changes the window with `mutate`, trims it, renders, and puts the view back:
   * at the bottom when sticky, else with the first visible item where it was.
   * `away` is the end a trim may drop from (see TimelineWindow.trim).
   * Changes run one at a time, so each measures a settled view.
   */
  #change(mutate: () => void, away: 'older' | 'newer' | 'either'): Promise<void> {
    const run = async (): Promise<void> => {
      const scroller = this.scroller;
      const elements = renderedItems(this.list);
      const sticky = this.#sticky && this.#window.live;
      const anchor = !sticky && scroller ? captureAnchor(scroller, elements) : undefined;
      const keep = this.#keepRange(scroller, elements);
      mutate();
      const dropped = sticky
        ? {
            older: this.#window.dropOldest(this.#window.items.length - this.#maxItems(true)),
            newer: [],
          }
        : this.#window.trim(this.#maxItems(false), keep, away);
      for (const item of [...dropped.older, ...dropped.newer]) this.#readAt.delete(item.eventId);
      this.#sync();
      await this.updateComplete;
      // New item elements render in their own updates: measure once they have.
      await Promise.all(renderedItems(this.list).map((e) => (e as LitElement).updateComplete));
      if (sticky && this.#sticky) this.scrollToBottom();
      else if (anchor && scroller) restoreAnchor(scroller, renderedItems(this.list), anchor);
    };
    const done = this.#changes.then(run, run);
    this.#changes = done.catch(() => undefined);
    return done;
  }

  /**
   * The stream orders on screen and a screen beyond the prefetch distance on
   * each side: a trim keeps them, so it never leaves the view near an end it
   * would read again at once.
   */
  #keepRange(scroller: HTMLElement | undefined, elements: readonly HTMLElement[]): KeepRange {
    const margin = scroller ? this.#slack(scroller) + scroller.clientHeight : 0;
    const range = scroller ? visibleRange(scroller, elements, margin) : undefined;
    const top = range && this.#itemOf(elements[range.first]);
    const bottom = range && this.#itemOf(elements[range.last]);
    if (!top || !bottom) {
      return { from: Number.NEGATIVE_INFINITY, until: Number.POSITIVE_INFINITY };
    }
    return { from: top.streamOrder, until: bottom.streamOrder };
  }

  /** The newest page: the first reading of a room, or a jump back to the newest. */
  private async reload(): Promise<void> {
    const { api, roomId } = this;
    if (!api || !roomId) return;
    const reading = ++this.#reading;
    const generation = this.#generation;
    try {
      const page = await api.timeline(roomId, { limit: PAGE });
      if (reading !== this.#reading) return;
      this.#readAt.clear();
      this.#markRead(page.items, generation);
      await this.#change(() => {
        if (reading === this.#reading) this.#window.reset(page);
      }, 'older');
      if (reading !== this.#reading) return;
      this.loaded = true;
      this.error = undefined;
    } catch (error) {
      if (reading === this.#reading)
        this.error = `Could not read the timeline: ${errorText(error)}`;
      return;
    }
    await this.updateComplete;
    this.#followBottom();
    if (reading === this.#reading) this.#checkEnds();
  }

  /** After a node change: new events at the bottom, and the items on screen again. */
  private async refresh(): Promise<void> {
    const { api, roomId } = this;
    if (!api || !roomId || !this.loaded) return;
    const reading = this.#reading;
    const generation = this.#generation;
    const win = this.#window;
    try {
      const known = win.live ? (win.items.at(-1)?.streamOrder ?? -1) : win.liveEdge;
      const oldest = win.items[0]?.streamOrder ?? -1;
      // At the bottom, the newest items are all that will show: a burst is not read whole.
      const atBottom = win.live && this.#sticky;
      const since = await readSince(
        api,
        roomId,
        known,
        atBottom ? this.#maxItems(true) : undefined,
      );
      const read = since.items;
      const fresh = read.filter((item) => item.streamOrder > known);
      const onScreen = since.complete
        ? await this.#readOnScreen(read.at(-1)?.streamOrder ?? known + 1)
        : [];
      if (reading !== this.#reading || win !== this.#window) return;
      this.#markRead(read, generation);
      this.#markRead(onScreen, generation);
      let arrived: TimelineItem[] = [];
      await this.#change(() => {
        if (!since.complete) {
          arrived = fresh;
          // The reader left the bottom meanwhile: what arrived is read when they get there.
          if (!this.#sticky) return win.noteArrivals(fresh);
          // More arrived than the bottom holds: start again from the newest.
          win.reset({ items: read, next: String((read.at(-1) as TimelineItem).streamOrder) });
          this.#readAt.clear();
          this.#markRead(read, generation);
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
      this.error = undefined;
      this.#arrived(arrived);
    } catch (error) {
      if (reading === this.#reading)
        this.error = `Could not read the timeline: ${errorText(error)}`;
    }
  }

  /** The items on screen, read again unless the newest read covered them. */
  async #readOnScreen(coveredFrom: number): Promise<TimelineItem[]> {
    const { api, roomId, scroller } = this;
    const elements = renderedItems(this.list);
    const range = scroller ? visibleRange(scroller, elements) : undefined;
    const top = range && this.#itemOf(elements[range.first]);
    const bottom = range && this.#itemOf(elements[range.last]);
    if (!api || !top || !bottom || top.streamOrder >= coveredFrom) return [];
    const items = this.#window.items;
    const count = lowerBound(items, bottom.streamOrder + 1) - lowerBound(items, top.streamOrder);
    return readRange(api, roomId, top.streamOrder, bottom.streamOrder, count);
  }

  #itemOf(element: HTMLElement | undefined): TimelineItem | undefined {
    return (element as { item?: TimelineItem } | undefined)?.item;
  }

  #markRead(items: readonly TimelineItem[], generation: number): void {
    for (const item of items) this.#readAt.set(item.eventId, generation);
  }

  /** New items: tell the room view, count or follow them, announce them. */
  #arrived(added: readonly TimelineItem[]): void {
    if (added.length === 0) return;
    const shown = added.filter((item) => isShownItem(item, this.showHidden));
    this.dispatchEvent(new CustomEvent('tp-new-events', { bubbles: true, composed: true }));
    if (shown.length === 0) return;
    if (!this.#sticky || !this.#window.live) this.unseen += shown.length;
    // A page is newest first; merged items oldest first: name the newest.
    const last = shown.reduce((a, b) => (b.streamOrder > a.streamOrder ? b : a));
    this.announcement =
      shown.length === 1
        ? `New message from ${senderLabel(last)}`
        : `${shown.length} new messages, the last from ${senderLabel(last)}`;
  }

  /**
   * Reads older items while the view is near the top, a step per frame, each
   * read while the last is put in; the view keeps the first visible item in place.
   */
  private async loadOlder(): Promise<void> {
    const { api, roomId } = this;
    const win = this.#window;
    if (!api || !win.older || this.loadingOlder) return;
    const reading = this.#reading;
    this.loadingOlder = true;
    let ahead: { token: string; page: Promise<TimelinePage> } | undefined;
    const read = (token: string) => {
      const page = api.timeline(roomId, { from: token, limit: this.#pace.size });
      page.catch(() => undefined);
      return { token, page };
    };
    try {
      for (;;) {
        const token = win.older;
        if (!token || reading !== this.#reading) break;
        const generation = this.#generation;
        const page = await (ahead?.token === token ? ahead : read(token)).page;
        ahead = undefined;
        if (reading !== this.#reading) return;
        this.#markRead(page.items, generation);
        const started = performance.now();
        await this.#change(() => {
          if (win.older === token) win.prepend(page);
        }, 'newer');
        this.#pace.took(page.items.length, performance.now() - started);
        this.error = undefined;
        if (!this.#nearTop()) break;
        if (win.older) ahead = read(win.older);
        await afterPaint();
      }
    } catch (error) {
      if (reading === this.#reading)
        this.error = `Could not read older messages: ${errorText(error)}`;
    } finally {
      if (reading === this.#reading) this.loadingOlder = false;
    }
    await this.updateComplete;
    if (reading === this.#reading && !this.error) this.#checkEnds();
  }

  /** Reads the dropped newer items again while the view is near the bottom, a step per frame. */
  private async loadNewer(): Promise<void> {
    const { api, roomId } = this;
    const win = this.#window;
    if (!api || win.live || this.#loadingNewer) return;
    const reading = this.#reading;
    this.#loadingNewer = true;
    try {
      while (reading === this.#reading && !win.live && this.#nearBottom()) {
        const chunk = win.newer.at(-1);
        if (!chunk) break;
        const generation = this.#generation;
        const limit = Math.min(MAX_READ, chunk.count + 1);
        const page = await api.timeline(roomId, { from: chunk.from, limit });
        if (reading !== this.#reading) return;
        this.#markRead(page.items, generation);
        const started = performance.now();
        let added = 0;
        await this.#change(() => {
          added = win.takeNewer(chunk, page, this.#pace.size).length;
        }, 'older');
        this.#pace.took(added, performance.now() - started);
        this.error = undefined;
        await afterPaint();
      }
    } catch (error) {
      if (reading === this.#reading)
        this.error = `Could not read newer messages: ${errorText(error)}`;
    } finally {
      if (reading === this.#reading) this.#loadingNewer = false;
    }
    // Back at the newest: new events may have come meanwhile.
    if (reading === this.#reading && win.live) void this.#refreshSoon();
  }

  /** Local history is exhausted: ask other servers (if we can) for what is older. */
  private async backfill(): Promise<void> {
    const { api, roomId, onBackfill } = this;
    const win = this.#window;
    const oldest = win.items[0];
    if (!api || this.backfilling || this.atStart || !oldest) return;
    if (oldest.type === 'm.room.create') {
      this.atStart = true;
      return;
    }
    if (!onBackfill) return;
    const reading = this.#reading;
    this.backfilling = true;
    try {
      const more = await onBackfill();
      if (reading !== this.#reading) return;
      const page = more
        ? await api.timeline(roomId, { from: String(oldest.streamOrder), limit: PAGE })
        : { items: [] };
      if (reading !== this.#reading) return;
      if (page.items.length === 0) {
        this.atStart = true;
      } else {
        await this.#change(() => {
          if (win.items[0] === oldest) win.prepend(page);
        }, 'newer');
      }
    } catch (error) {
      if (reading === this.#reading)
        this.error = `Could not read older messages from other servers: ${errorText(error)}`;
    } finally {
      this.backfilling = false;
    }
  }

  private scrollToBottom(): void {
    const scroller = this.scroller;
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }

  /** The distance from the top under which older items are read: two screens, at least. */
  #slack(scroller: HTMLElement): number {
    return Math.max(PREFETCH_SLACK, 2 * scroller.clientHeight);
  }

  /** Near the top, or too little to scroll (then older items fill the view). */
  #nearTop(): boolean {
    const scroller = this.scroller;
    if (!scroller) return false;
    const short = scroller.scrollHeight <= scroller.clientHeight + 1;
    const sticky = this.#sticky && this.#window.live;
    return short || (!sticky && scroller.scrollTop < this.#slack(scroller));
  }

  /** Near the bottom of a window that does not reach the newest items. */
  #nearBottom(): boolean {
    const scroller = this.scroller;
    if (!scroller || this.#window.live) return false;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    return fromBottom < this.#slack(scroller);
  }

  /** The user moved the view (wheel, touch, keys, scrollbar), as opposed to our own corrections. */
  private readonly onIntent = (): void => {
    this.#intentAt = performance.now();
  };

  private readonly onScroll = (): void => {
    const scroller = this.scroller;
    if (!scroller) return;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    if (fromBottom < BOTTOM_SLACK && this.#window.live) {
      this.#sticky = true;
      this.unseen = 0;
    } else if (performance.now() - this.#intentAt < INTENT_MS) {
      this.#sticky = false;
    } else {
      // A change under us (an item grew, a window change): back to the bottom if there.
      this.#followBottom();
    }
    this.#checkEnds();
    this.#checkStale();
  };

  /** Near an end: read older items (locally or from other servers) or the dropped newer ones. */
  #checkEnds(): void {
    if (!this.scroller || !this.loaded) return;
    if (!this.#window.live && !this.#loadingNewer && this.#nearBottom()) void this.loadNewer();
    if (this.loadingOlder || this.backfilling || !this.#nearTop()) return;
    if (this.#window.older) void this.loadOlder();
    else if (!this.atStart) void this.backfill();
  }

  /** Items that come into view after a change elsewhere are read again. */
  #checkStale(): void {
    const scroller = this.scroller;
    if (!scroller || this.#generation === 0) return;
    const elements = renderedItems(this.list);
    const range: VisibleRange | undefined = visibleRange(scroller, elements);
    if (!range) return;
    for (let i = range.first; i <= range.last; i++) {
      const item = this.#itemOf(elements[i]);
      if (item && (this.#readAt.get(item.eventId) ?? -1) < this.#generation) {
        void this.#refreshSoon();
        return;
      }
    }
  }

  private async jumpToNewest(): Promise<void> {
    this.#sticky = true;
    this.#intentAt = Number.NEGATIVE_INFINITY;
    this.unseen = 0;
    if (!this.#window.live) await this.reload();
    await this.updateComplete;
    this.scrollToBottom();
  }

  /** Arrow keys move between items; the items' own buttons follow with Tab. */
  private readonly onKeyDown = (event: KeyboardEvent): void => {
    this.onIntent();
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    const scroller = this.scroller;
    if (!scroller) return;
    const element = arrowTarget(scroller, renderedItems(this.list), event.key === 'ArrowUp');
    if (!element) return;
    event.preventDefault();
    element.focus();
    element.scrollIntoView({ block: 'nearest' });
  };

  override render(): TemplateResult {
    const typing = typingText(this.typingUsers);
    return html`
      <div>${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}</div>
      <div
        class="scroller"
        role="log"
        aria-label="Messages"
        aria-live="off"
        tabindex="0"
        @scroll=${this.onScroll}
        @keydown=${this.onKeyDown}
        @wheel=${{ handleEvent: this.onIntent, passive: true }}
        @touchmove=${{ handleEvent: this.onIntent, passive: true }}
        @pointerdown=${this.onIntent}
      >
        <div class="top">${this.renderTop()}</div>
        <div class="list"></div>
        ${
          this.#window.live
            ? nothing
            : html`<div class="top"><p class="muted" role="status">Loading newer messages…</p></div>`
        }
      </div>
      ${
        this.unseen > 0
          ? html`<button type="button" class="pill" @click=${this.jumpToNewest}>
              ${this.unseen === 1 ? '1 new message' : `${this.unseen} new messages`} ↓
            </button>`
          : nothing
      }
      <p class="typing" aria-live="polite">${typing}</p>
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    `;
  }

  private renderTop(): TemplateResult {
    if (!this.loaded) return html`<p class="muted" role="status">Reading the timeline…</p>`;
    if (this.backfilling) {
      return html`<p class="muted" role="status">Loading older messages from other servers…</p>`;
    }
    if (this.loadingOlder) return html`<p class="muted" role="status">Loading older messages…</p>`;
    if (this.#window.older) {
      return html`<button type="button" @click=${this.loadOlder}>Load older</button>`;
    }
    if (this.atStart || this.#window.items[0]?.type === 'm.room.create') {
      return html`<p class="muted">This is the start of the room</p>`;
    }
    if (!this.onBackfill) return html`<p class="muted">No older messages on this node</p>`;
    return html`<button type="button" @click=${this.backfill}>Load older from other servers</button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-timeline': TimelineView;
  }
}
