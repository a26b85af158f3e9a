import type { Remote } from 'comlink';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { NodeApi, TimelineItem } from '../node/api.js';
import { isShownItem, type PreviousMember } from './describe-event.js';
import { typingText } from './format.js';
import { type NodeSession, SessionListener } from './node-session.js';
import { arrivalAnnouncement } from './timeline-arrivals.js';
import { isEditable } from './timeline-item.js';
import { focusByArrow } from './timeline-keys.js';
import { ItemElements } from './timeline-list.js';
import { rememberPreviousMembers } from './timeline-merge.js';
import type { BackfillHandler } from './timeline-paging.js';
import { TimelineReader } from './timeline-reader.js';
import { ScrollFollow } from './timeline-scroll.js';
import { MAX_PREVIOUS_MEMBERS } from './timeline-sizes.js';
import { renderNewer, renderTop, renderUnseen, type TopStatus } from './timeline-status.js';
import { timelineStyles } from './timeline-styles.js';

export type { BackfillHandler };

/**
 * `<tp-timeline>`: a room's events, newest at the bottom. It holds a bounded
 * window of the room (timeline-window.ts), all of it rendered in normal flow:
 * scrolling near the top reads older items a few per frame and keeps the view
 * where it was (timeline-anchor.ts), dropping items far below; scrolling back
 * down reads the dropped ones again (timeline-paging.ts). New events keep the
 * view at the bottom when it was there (timeline-scroll.ts; the window then
 * holds little more than a screen), and otherwise count in a "new messages"
 * button. When the local history ends, the optional `onBackfill` asks other
 * servers. Node changes re-read, coalesced (timeline-reader.ts): the new
 * events, and the items on screen (an edit or a redaction changes old items;
 * items off screen are re-read when they come into view).
 * Fires `tp-new-events` when a change brought events.
 */
@customElement('tp-timeline')
export class TimelineView extends LitElement {
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

  /** New items that arrived while the view was scrolled up. */
  @state() private unseen = 0;
  /** What the live region says about new messages. */
  @state() private announcement = '';
  @query('.scroller') private scroller?: HTMLElement;
  @query('.list') private list?: HTMLElement;

  /** At the bottom and following new items, or scrolled away. */
  readonly #scroll: ScrollFollow = new ScrollFollow(
    () => this.scroller,
    () => this.#reader.window.live,
  );
  /** Reads the room into the window, and more of it near the ends. */
  readonly #reader: TimelineReader = new TimelineReader(
    this,
    {
      api: () => this.api,
      roomId: () => this.roomId,
      onBackfill: () => this.onBackfill,
      scroller: () => this.scroller,
      list: () => this.list,
      sync: () => this.#sync(),
      arrived: (items) => this.#arrived(items),
    },
    this.#scroll,
  );
  /** The items rendered (the window's shown ones), oldest first. */
  private shown: TimelineItem[] = [];
  /** For membership events: the member's content before, when an earlier item told it. */
  readonly #previousMembers = new Map<string, PreviousMember>();
  /** The item elements, one per shown item, in the list. */
  readonly #elements = new ItemElements();
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
          this.#reader.nodeChanged(change);
        }
      },
    );
  }

  static override styles = timelineStyles;

  /** Older items are being read. A property of the element: the e2e tests hold reads back with it. */
  private get loadingOlder(): boolean {
    return this.#reader.status.loadingOlder;
  }
  private set loadingOlder(value: boolean) {
    this.#reader.set({ loadingOlder: value });
  }

  /** The newest message of the user's own that can be edited (when the newest items are held). */
  lastOwnEditable(): TimelineItem | undefined {
    const win = this.#reader.window;
    if (!win.live) return undefined;
    return win.items.findLast((item) => isShownItem(item, false) && isEditable(item, this.userId));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Items can change height (fonts, a confirmation row): stay at the bottom if there.
    this.#resize = new ResizeObserver(() => this.#scroll.followBottom());
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
      this.shown = [];
      this.#previousMembers.clear();
      this.unseen = 0;
      this.#scroll.reset();
      this.#reader.reset();
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
    this.#scroll.followBottom();
  }

  /** `shown` and the membership lines' previous contents, from the window. */
  #sync(): void {
    const items = this.#reader.window.items;
    this.shown = items.filter((item) => isShownItem(item, this.showHidden));
    rememberPreviousMembers(this.#previousMembers, items, MAX_PREVIOUS_MEMBERS);
    this.requestUpdate();
  }

  /** New items: tell the room view, count or follow them, announce them. */
  #arrived(added: readonly TimelineItem[]): void {
    if (added.length === 0) return;
    const shown = added.filter((item) => isShownItem(item, this.showHidden));
    this.dispatchEvent(new CustomEvent('tp-new-events', { bubbles: true, composed: true }));
    if (shown.length === 0) return;
    if (!this.#scroll.following) this.unseen += shown.length;
    this.announcement = arrivalAnnouncement(shown);
  }

  private readonly onScroll = (): void => {
    const scroller = this.scroller;
    if (!scroller) return;
    if (this.#scroll.scrolled(scroller)) this.unseen = 0;
    this.#reader.checkEnds();
    this.#reader.checkStale();
  };

  private async jumpToNewest(): Promise<void> {
    this.#scroll.jump();
    this.unseen = 0;
    if (!this.#reader.window.live) await this.#reader.reload();
    await this.updateComplete;
    this.#scroll.scrollToBottom();
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    this.#scroll.noteIntent();
    focusByArrow(event, this.scroller, this.list);
  };

  /** What the line above the items tells. */
  #topStatus(): TopStatus {
    const { status, window: win } = this.#reader;
    return {
      loaded: status.loaded,
      backfilling: status.backfilling,
      loadingOlder: this.loadingOlder,
      hasOlder: Boolean(win.older),
      atStart: status.atStart || win.items[0]?.type === 'm.room.create',
      canBackfill: Boolean(this.onBackfill),
    };
  }

  override render(): TemplateResult {
    const typing = typingText(this.typingUsers);
    const { status, window: win } = this.#reader;
    const onIntent = this.#scroll.noteIntent;
    return html`
      <div>${status.error ? html`<p class="alert" role="alert">${status.error}</p>` : nothing}</div>
      <div
        class="scroller"
        role="log"
        aria-label="Messages"
        aria-live="off"
        tabindex="0"
        @scroll=${this.onScroll}
        @keydown=${this.onKeyDown}
        @wheel=${{ handleEvent: onIntent, passive: true }}
        @touchmove=${{ handleEvent: onIntent, passive: true }}
        @pointerdown=${onIntent}
      >
        <div class="top">${renderTop(this.#topStatus(), this.#reader)}</div>
        <div class="list"></div>
        ${renderNewer(win.live)}
      </div>
      ${renderUnseen(this.unseen, this.jumpToNewest)}
      <p class="typing" aria-live="polite">${typing}</p>
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-timeline': TimelineView;
  }
}
