import type { Remote } from 'comlink';
import { css, html, LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { JsonObject } from '../core/json.js';
import type { NodeApi, TimelineItem } from '../node/api.js';
import { coalesce } from './coalesce.js';
import { isHiddenItem } from './describe-event.js';
import { errorText } from './errors.js';
import { type NodeSession, SessionListener } from './node-session.js';
import { sharedStyles } from './styles.js';
import { isEditable } from './timeline-item.js';
import './timeline-item.js';

/** Items read per page. */
const PAGE = 30;
/** The most items re-read when the room changes (older pages beyond are dropped). */
const MAX_SHOWN = 500;

/**
 * `<tp-timeline>`: a room's events, newest at the bottom. It re-reads the pages
 * it shows on each change to the room (edits and redactions change old items),
 * and "Load older" reads the next page back. Fires `tp-new-events` when a
 * change brought events to the room.
 */
@customElement('tp-timeline')
export class TimelineView extends LitElement {
  /** Re-reads after node changes, coalesced (see coalesce.ts). */
  readonly #reloadSoon = coalesce(() => this.reload());
  /** The running node: its API and change feed. */
  @property({ attribute: false }) session?: NodeSession;
  private get api(): Remote<NodeApi> | undefined {
    return this.session?.api;
  }
  /** The room to show. */
  @property() roomId = '';
  /** The local user (own messages can be edited). */
  @property() userId = '';

  /** Oldest first. */
  @state() private items: TimelineItem[] = [];
  @state() private next?: string;
  @state() private loaded = false;
  @state() private error?: string;
  #reading = 0;
  #stickToBottom = true;
  #keepFromBottom?: number;

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
          void this.#reloadSoon();
        }
      },
    );
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        overflow-y: auto;
        overflow-x: hidden;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0.5rem 0;
      }
      .older {
        display: flex;
        justify-content: center;
        padding: 0.5rem;
      }
      .alert,
      .muted {
        margin: 0.5rem 0.75rem;
      }
    `,
  ];

  /** The newest message of the user's own that can be edited. */
  lastOwnEditable(): TimelineItem | undefined {
    return this.items.findLast((item) => !isHiddenItem(item) && isEditable(item, this.userId));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('roomId') || changed.has('session')) {
      this.items = [];
      this.next = undefined;
      this.loaded = false;
      this.#stickToBottom = true;
      void this.reload();
    }
    this.#stickToBottom =
      this.scrollHeight - this.scrollTop - this.clientHeight < 48 || !this.loaded;
  }

  protected override updated(): void {
    if (this.#keepFromBottom !== undefined) {
      this.scrollTop = this.scrollHeight - this.#keepFromBottom;
      this.#keepFromBottom = undefined;
    } else if (this.#stickToBottom) {
      this.scrollTop = this.scrollHeight;
    }
  }

  /** Re-reads the newest page, or as many items as are shown now. */
  private async reload(): Promise<void> {
    const { api, roomId } = this;
    if (!api || !roomId) return;
    const reading = ++this.#reading;
    const limit = Math.min(MAX_SHOWN, Math.max(PAGE, this.items.length));
    try {
      const page = await api.timeline(roomId, { limit });
      if (reading !== this.#reading) return;
      const grew =
        this.loaded && page.items.some((i) => !this.items.some((j) => j.eventId === i.eventId));
      this.items = page.items.toReversed();
      this.next = page.next;
      this.loaded = true;
      this.error = undefined;
      if (grew)
        this.dispatchEvent(new CustomEvent('tp-new-events', { bubbles: true, composed: true }));
    } catch (error) {
      if (reading === this.#reading)
        this.error = `Could not read the timeline: ${errorText(error)}`;
    }
  }

  private async loadOlder(): Promise<void> {
    const { api, roomId, next } = this;
    if (!api || !next) return;
    const reading = ++this.#reading;
    try {
      const page = await api.timeline(roomId, { from: next, limit: PAGE });
      if (reading !== this.#reading) return;
      this.#keepFromBottom = this.scrollHeight - this.scrollTop;
      this.items = [...page.items.toReversed(), ...this.items];
      this.next = page.next;
      this.error = undefined;
    } catch (error) {
      if (reading === this.#reading)
        this.error = `Could not read older messages: ${errorText(error)}`;
    }
  }

  override render(): TemplateResult {
    const previous = new Map<string, JsonObject>();
    const shown = this.items.filter((item) => !isHiddenItem(item));
    return html`
      ${
        this.next
          ? html`<div class="older"><button type="button" @click=${this.loadOlder}>Load older</button></div>`
          : ''
      }
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : ''}
      ${!this.loaded && !this.error ? html`<p class="muted" role="status">Reading the timeline…</p>` : ''}
      <ol aria-label="Messages">
        ${repeat(
          shown,
          (item) => item.eventId,
          (item) => {
            let before: JsonObject | undefined;
            if (item.type === 'm.room.member' && item.stateKey !== undefined) {
              before = previous.get(item.stateKey);
              previous.set(item.stateKey, item.content);
            }
            return html`<li>
              <tp-timeline-item
                .item=${item}
                .previousMember=${before}
                .userId=${this.userId}
                .roomId=${this.roomId}
                .session=${this.session}
              ></tp-timeline-item>
            </li>`;
          },
        )}
      </ol>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-timeline': TimelineView;
  }
}
