import '@lit-labs/virtualizer';
import type { RangeChangedEvent, VisibilityChangedEvent } from '@lit-labs/virtualizer/events.js';
import type { LitVirtualizer } from '@lit-labs/virtualizer/LitVirtualizer.js';
import type { Remote } from 'comlink';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { NodeApi, TimelineItem } from '../node/api.js';
import { coalesce } from './coalesce.js';
import { isShownItem, type PreviousMember, senderLabel } from './describe-event.js';
import { errorText } from './errors.js';
import { typingText } from './format.js';
import { type NodeSession, SessionListener } from './node-session.js';
import { captureAnchor, renderedItems, restoreAnchor, settled } from './timeline-anchor.js';
import { isEditable } from './timeline-item.js';
import { lowerBound, mergePage, prependPage, previousMemberContents } from './timeline-merge.js';
import { timelineStyles } from './timeline-styles.js';
import './timeline-item.js';

/** Items read per page (older pages, and the first). */
const PAGE = 60;
/** Older pages read back to back grow up to this many items. */
const MAX_PAGE = 480;
/** An older page read within this many ms of the last is "back to back". */
const FAST_MS = 1000;
/** Items read per page when catching up with new events: a small first page, then larger. */
const FIRST_CATCH_UP = 20;
const CATCH_UP_PAGE = 200;
/** Within this many pixels of the bottom counts as "at the bottom". */
const BOTTOM_SLACK = 48;
/** Within this many pixels of the top, older items are read. */
const TOP_SLACK = 600;
/** A scroll this soon after a wheel, touch, key or pointer press is the user's. */
const INTENT_MS = 800;

/**
 * Answers whether older events may exist on other servers: resolves true when
 * it fetched some (the timeline reads them), false when the room has no more.
 */
export type BackfillHandler = () => Promise<boolean>;

/**
 * `<tp-timeline>`: a room's events, newest at the bottom, virtualised
 * (`@lit-labs/virtualizer`: only items near the viewport are in the DOM).
 * Scrolling near the top reads older pages and keeps the view where it was;
 * new events keep the view at the bottom when it was there, and otherwise
 * count in a "new messages" button. When the local history ends, the optional
 * `onBackfill` asks other servers. Node changes re-read, coalesced: the new
 * events, and the items on screen (an edit or a redaction changes old items;
 * items off screen are re-read when they come into view). Fires
 * `tp-new-events` when a change brought events.
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

  /** Every loaded item, oldest first, hidden ones included. */
  @state() private all: TimelineItem[] = [];
  @state() private next?: string;
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
  @query('lit-virtualizer') private virtualizer?: LitVirtualizer;

  /** The items shown (filtered from `all`), and membership lines' previous contents. */
  private shown: TimelineItem[] = [];
  private previousMembers = new Map<string, PreviousMember>();
  #reading = 0;
  #sticky = true;
  /** Bumped on each node change: items read before it may be stale. */
  #generation = 0;
  /** The generation at which each event was last read. */
  readonly #readAt = new Map<string, number>();
  #range = { first: -1, last: -1 };
  #visibleFirst = -1;
  #intentAt = Number.NEGATIVE_INFINITY;
  #olderLimit = PAGE;
  #olderAt = Number.NEGATIVE_INFINITY;
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

  /** The newest message of the user's own that can be edited. */
  lastOwnEditable(): TimelineItem | undefined {
    return this.all.findLast((item) => isShownItem(item, false) && isEditable(item, this.userId));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The virtualizer's height changes as it measures items: stay at the bottom if there.
    this.#resize = new ResizeObserver(() => this.#followBottom());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize?.disconnect();
  }

  protected override firstUpdated(): void {
    if (this.virtualizer) this.#resize?.observe(this.virtualizer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('roomId') || changed.has('session')) {
      this.all = [];
      this.#readAt.clear();
      this.next = undefined;
      this.loaded = false;
      this.atStart = false;
      this.unseen = 0;
      this.error = undefined;
      this.#sticky = true;
      void this.reload();
    }
    // `all` is private state, which PropertyValues<this> does not name.
    if ((changed as Map<PropertyKey, unknown>).has('all') || changed.has('showHidden')) {
      this.shown = this.all.filter((item) => isShownItem(item, this.showHidden));
      this.previousMembers = previousMemberContents(this.all);
    }
  }

  protected override updated(): void {
    this.#followBottom();
  }

  /**
   * Keeps the view at the bottom while it is "sticky", unless the user has just
   * scrolled away (their scroll event may not have arrived yet).
   */
  #followBottom(): void {
    const scroller = this.scroller;
    if (!scroller || !this.#sticky) return;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    if (fromBottom >= BOTTOM_SLACK && performance.now() - this.#intentAt < INTENT_MS) {
      this.#sticky = false;
      return;
    }
    this.scrollToBottom();
  }

  /** The newest page: the first reading of a room. */
  private async reload(): Promise<void> {
    const { api, roomId } = this;
    if (!api || !roomId) return;
    const reading = ++this.#reading;
    const generation = this.#generation;
    try {
      const page = await api.timeline(roomId, { limit: PAGE });
      if (reading !== this.#reading) return;
      this.#markRead(page.items, generation);
      this.all = page.items.toReversed();
      this.next = page.next;
      this.loaded = true;
      this.error = undefined;
    } catch (error) {
      if (reading === this.#reading)
        this.error = `Could not read the timeline: ${errorText(error)}`;
      return;
    }
    await this.#settle();
    if (reading === this.#reading) this.#checkTop();
  }

  /** Waits for the render and the virtualizer's measuring. */
  async #settle(): Promise<void> {
    await this.updateComplete;
    if (this.virtualizer) await settled(this.virtualizer);
  }

  /** After a node change: new events at the bottom, and the items on screen again. */
  private async refresh(): Promise<void> {
    const { api, roomId } = this;
    if (!api || !roomId || !this.loaded) return;
    const reading = this.#reading;
    const generation = this.#generation;
    try {
      const newest = this.all.at(-1)?.streamOrder ?? -1;
      const oldest = this.all[0]?.streamOrder ?? -1;
      const fresh: TimelineItem[] = [];
      let from: string | undefined;
      for (let limit = FIRST_CATCH_UP; ; limit = CATCH_UP_PAGE) {
        const page = await api.timeline(roomId, {
          limit,
          ...(from === undefined ? {} : { from }),
        });
        // Older than what is loaded belongs to "Load older" (its token), not here.
        fresh.push(...page.items.filter((item) => item.streamOrder >= oldest));
        from = page.next;
        if (from === undefined || (page.items.at(-1)?.streamOrder ?? -1) <= newest) break;
      }
      const onScreen = await this.#readOnScreen(fresh.at(-1)?.streamOrder ?? newest + 1);
      if (reading !== this.#reading) return;
      this.#markRead(fresh, generation);
      this.#markRead(onScreen, generation);
      const screen = mergePage(this.all, onScreen);
      const merged = mergePage(screen.items, fresh);
      // Nothing changed: keep the array, so nothing renders again.
      if (merged.added.length > 0 || merged.replaced + screen.replaced > 0) this.all = merged.items;
      this.error = undefined;
      this.#arrived(merged.added);
    } catch (error) {
      if (reading === this.#reading)
        this.error = `Could not read the timeline: ${errorText(error)}`;
    }
  }

  /** The items the virtualizer renders, read again unless the newest read covered them. */
  async #readOnScreen(coveredFrom: number): Promise<TimelineItem[]> {
    const { api, roomId } = this;
    const { first, last } = this.#range;
    const top = this.shown[first];
    const bottom = this.shown[last];
    if (!api || !top || !bottom || top.streamOrder >= coveredFrom) return [];
    const limit = Math.min(1000, Math.max(1, this.#countBetween(top, bottom) + 10));
    const page = await api.timeline(roomId, { from: String(bottom.streamOrder + 1), limit });
    return page.items.filter((item) => item.streamOrder >= top.streamOrder);
  }

  #countBetween(top: TimelineItem, bottom: TimelineItem): number {
    let count = 0;
    for (let i = this.all.length - 1; i >= 0; i--) {
      const order = (this.all[i] as TimelineItem).streamOrder;
      if (order < top.streamOrder) break;
      if (order <= bottom.streamOrder) count++;
    }
    return count;
  }

  #markRead(items: readonly TimelineItem[], generation: number): void {
    for (const item of items) this.#readAt.set(item.eventId, generation);
  }

  /** New items merged in: tell the room view, count or follow them, announce them. */
  #arrived(added: readonly TimelineItem[]): void {
    const shown = added.filter((item) => isShownItem(item, this.showHidden));
    if (added.length === 0) return;
    this.dispatchEvent(new CustomEvent('tp-new-events', { bubbles: true, composed: true }));
    if (shown.length === 0) return;
    if (!this.#sticky) this.unseen += shown.length;
    const last = shown.at(-1) as TimelineItem;
    this.announcement =
      shown.length === 1
        ? `New message from ${senderLabel(last)}`
        : `${shown.length} new messages, the last from ${senderLabel(last)}`;
  }

  /** Reads the next older page, keeping the first visible item where it is on screen. */
  private async loadOlder(): Promise<void> {
    const { api, roomId, next } = this;
    if (!api || !next || this.loadingOlder) return;
    const reading = this.#reading;
    const generation = this.#generation;
    // Scrolling up fast (a read right after the last one) reads larger pages.
    const now = performance.now();
    this.#olderLimit =
      now - this.#olderAt < FAST_MS ? Math.min(MAX_PAGE, this.#olderLimit * 2) : PAGE;
    this.#olderAt = now;
    this.loadingOlder = true;
    try {
      const page = await api.timeline(roomId, { from: next, limit: this.#olderLimit });
      if (reading !== this.#reading) return;
      this.#markRead(page.items, generation);
      await this.#prepend(page.items);
      this.next = page.next;
      this.error = undefined;
    } catch (error) {
      if (reading === this.#reading)
        this.error = `Could not read older messages: ${errorText(error)}`;
    } finally {
      this.loadingOlder = false;
      this.#olderAt = performance.now();
    }
    await this.#settle();
    if (reading === this.#reading) this.#checkTop();
  }

  /** Local history is exhausted: ask other servers (if we can) for what is older. */
  private async backfill(): Promise<void> {
    const { api, roomId, onBackfill } = this;
    const oldest = this.all[0];
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
        await this.#prepend(page.items);
        this.next = 'next' in page ? page.next : undefined;
      }
    } catch (error) {
      if (reading === this.#reading)
        this.error = `Could not read older messages from other servers: ${errorText(error)}`;
    } finally {
      this.backfilling = false;
    }
  }

  /** Puts an older page before the items, then scrolls so the anchor item has not moved. */
  async #prepend(older: readonly TimelineItem[]): Promise<void> {
    const { scroller, virtualizer } = this;
    const anchor =
      scroller && virtualizer && !this.#sticky ? captureAnchor(scroller, virtualizer) : undefined;
    const before = this.shown.length;
    this.all = prependPage(this.all, older);
    await this.updateComplete;
    if (anchor && scroller && virtualizer) {
      await restoreAnchor(scroller, virtualizer, anchor, this.shown.length - before, (id) =>
        this.#indexOf(id),
      );
    }
  }

  /** The index in `shown` of an event, by a binary search on stream order. */
  #indexOf(eventId: string): number {
    const item = this.all.find((i) => i.eventId === eventId);
    if (!item) return -1;
    const at = lowerBound(this.shown, item.streamOrder);
    return this.shown[at]?.eventId === eventId ? at : -1;
  }

  private scrollToBottom(): void {
    const scroller = this.scroller;
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }

  /** The user moved the view (wheel, touch, keys, scrollbar), as opposed to layout corrections. */
  private readonly onIntent = (): void => {
    this.#intentAt = performance.now();
  };

  private readonly onScroll = (): void => {
    const scroller = this.scroller;
    if (!scroller) return;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    if (fromBottom < BOTTOM_SLACK) {
      this.#sticky = true;
      this.unseen = 0;
    } else if (performance.now() - this.#intentAt < INTENT_MS) {
      this.#sticky = false;
    } else {
      // The virtualizer corrected its estimates under us: back to the bottom if there.
      this.#followBottom();
    }
    this.#checkTop();
  };

  /** Near the top (or too little to scroll): read older items, locally or from other servers. */
  #checkTop(): void {
    const scroller = this.scroller;
    if (!scroller || !this.loaded || this.loadingOlder || this.backfilling) return;
    // Callers wait for the virtualizer to settle first, so the heights are measured ones.
    const short = scroller.scrollHeight <= scroller.clientHeight + 1;
    const nearTop = !this.#sticky && (scroller.scrollTop < TOP_SLACK || this.#visibleFirst === 0);
    if (!short && !nearTop) return;
    if (this.next) void this.loadOlder();
    else if (!this.atStart) void this.backfill();
  }

  private readonly onRange = (event: RangeChangedEvent): void => {
    this.#range = { first: event.first, last: event.last };
    // A new layout (items measured) may have moved the bottom.
    this.#followBottom();
    // Items that come into view after a change elsewhere are read again.
    for (let i = Math.max(0, event.first); i <= event.last; i++) {
      const item = this.shown[i];
      if (item && (this.#readAt.get(item.eventId) ?? -1) < this.#generation) {
        void this.#refreshSoon();
        break;
      }
    }
  };

  private readonly onVisibility = (event: VisibilityChangedEvent): void => {
    this.#visibleFirst = event.first;
  };

  private async jumpToNewest(): Promise<void> {
    this.#sticky = true;
    this.#intentAt = Number.NEGATIVE_INFINITY;
    this.unseen = 0;
    // The items near the end get measured over a few frames: follow them down.
    for (let i = 0; i < 8 && this.#sticky; i++) {
      this.scrollToBottom();
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  }

  /** Arrow keys move between items; the items' own buttons follow with Tab. */
  private readonly onKeyDown = (event: KeyboardEvent): void => {
    this.onIntent();
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    const items = renderedItems(this.virtualizer);
    const focused = items.findIndex((e) => e.matches(':focus-within'));
    const view = this.scroller?.getBoundingClientRect();
    if (!view) return;
    let target: number;
    if (focused < 0) {
      target =
        event.key === 'ArrowUp'
          ? items.findLastIndex((e) => e.getBoundingClientRect().top < view.bottom)
          : items.findIndex((e) => e.getBoundingClientRect().bottom > view.top);
    } else {
      target = focused + (event.key === 'ArrowUp' ? -1 : 1);
    }
    const element = items[target];
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
        <lit-virtualizer
          .items=${this.shown}
          .keyFunction=${(item: TimelineItem) => item.eventId}
          .renderItem=${(item: TimelineItem) => this.renderItem(item)}
          @rangeChanged=${this.onRange}
          @visibilityChanged=${this.onVisibility}
        ></lit-virtualizer>
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
    if (this.next) {
      return html`<button type="button" @click=${this.loadOlder}>Load older</button>`;
    }
    if (this.atStart || this.all[0]?.type === 'm.room.create') {
      return html`<p class="muted">This is the start of the room</p>`;
    }
    if (!this.onBackfill) return html`<p class="muted">No older messages on this node</p>`;
    return html`<button type="button" @click=${this.backfill}>Load older from other servers</button>`;
  }

  private renderItem(item: TimelineItem): TemplateResult {
    return html`<tp-timeline-item
      tabindex="-1"
      data-event-id=${item.eventId}
      .item=${item}
      .previousMember=${this.previousMembers.get(item.eventId)}
      .userId=${this.userId}
      .roomId=${this.roomId}
      .session=${this.session}
      .seenBy=${this.readUpTo?.get(item.eventId)}
    ></tp-timeline-item>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-timeline': TimelineView;
  }
}
