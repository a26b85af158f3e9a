import type { Remote } from 'comlink';
import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { IdentityInfo, RoomStateView, TimelineItem } from '../node/api.js';
import { coalesce } from './coalesce.js';
import { errorText } from './errors.js';
import { roomLabel } from './format.js';
import { NewestRead } from './newest-read.js';
import type { NodeRemoteApi } from './node-client.js';
import { RoomEdus } from './room-edus.js';
import { roomLink } from './room-link.js';
import './copy-button.js';
import type { MessageComposer } from './message-composer.js';
import { type NodeSession, SessionListener } from './node-session.js';
import { sharedStyles } from './styles.js';
import type { TimelineView } from './timeline-view.js';
import './event-graph.js';
import './members-panel.js';
import './message-composer.js';
import './room-settings.js';
import './timeline-view.js';

type SidePanel = 'members' | 'settings' | 'graph';

/**
 * `<tp-room-view>`: one room: header (name, topic), timeline, composer, and a
 * side panel for members or settings (a third column on wide screens, in place
 * of the conversation on narrow ones). Marks the room read while it is shown.
 * Fires `tp-back` to return to the room list.
 */
@customElement('tp-room-view')
export class RoomView extends LitElement {
  /** Re-reads after node changes, coalesced (see coalesce.ts). */
  readonly #loadSoon = coalesce(() => this.load());
  /** The running node: its API and change feed. */
  @property({ attribute: false }) session?: NodeSession;
  private get api(): Remote<NodeRemoteApi> | undefined {
    return this.session?.api;
  }
  /** The room to show. */
  @property() roomId = '';
  /** Who the local user is. */
  @property({ attribute: false }) identity?: IdentityInfo;

  @state() private room?: RoomStateView;
  @state() private error?: string;
  @state() private side?: SidePanel;
  @state() private editing?: TimelineItem;
  /** Developer view: rejected and soft-failed events in the timeline, marked. */
  @state() private showHidden = false;
  readonly #edus = new RoomEdus(this);
  @query('tp-timeline') private timeline?: TimelineView;
  @query('tp-composer') private composer?: MessageComposer;
  readonly #reads = new NewestRead();

  constructor() {
    super();
    new SessionListener(
      this,
      () => this.session,
      (change) => {
        if (change.kind === 'state' && change.roomId === this.roomId) void this.#loadSoon();
      },
    );
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        grid-template-rows: auto minmax(0, 1fr);
        height: 100%;
        min-height: 0;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.4rem 0.5rem;
        padding: 0.4rem 0.75rem;
        border-bottom: 1px solid var(--tp-border);
        min-width: 0;
      }
      .title {
        flex: 1 1 8rem;
        min-width: 0;
      }
      h2 {
        margin: 0;
        font-size: 1.1rem;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .topic {
        margin: 0;
        font-size: 0.9rem;
        color: var(--tp-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .body {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        min-height: 0;
      }
      .conversation {
        display: grid;
        grid-template-rows: minmax(0, 1fr) auto;
        min-height: 0;
      }
      .body[data-side] .conversation {
        display: none;
      }
      aside {
        overflow: auto;
        min-height: 0;
      }
      aside h3 {
        margin: 0.5rem 0.75rem;
        font-size: 1rem;
      }
      .back {
        display: inline-block;
      }
      @media (min-width: 48rem) {
        .back {
          display: none;
        }
      }
      @media (min-width: 72rem) {
        .body[data-side] {
          grid-template-columns: minmax(0, 1fr) 22rem;
        }
        .body[data-side] .conversation {
          display: grid;
        }
        aside {
          border-left: 1px solid var(--tp-border);
        }
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.markRead);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.markRead);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.#edus.follow(this.api, this.roomId, this.identity?.userId ?? '');
    if (changed.has('roomId') || changed.has('session')) {
      this.room = undefined;
      this.editing = undefined;
      this.error = undefined;
      void this.load();
      this.markRead();
    }
  }

  private async load(): Promise<void> {
    const { api, roomId } = this;
    if (!api || !roomId) return;
    await this.#reads.run(
      () => api.roomState(roomId),
      (room) => {
        this.room = room;
        this.error = undefined;
      },
      (error) => {
        this.error = `Could not read the room: ${errorText(error)}`;
      },
    );
  }

  /** The user sees the room: its unread count goes to 0. */
  private readonly markRead = (): void => {
    const { api, roomId } = this;
    if (!api || !roomId || document.visibilityState !== 'visible') return;
    api.markRead(roomId).catch(() => undefined);
    void this.sendReceipt(roomId);
  };

  /** The newest event this view sent a read receipt for. */
  #receipted?: string;

  /** Tells the room's other servers how far we have read; a hint, so failures are ignored. */
  private async sendReceipt(roomId: string): Promise<void> {
    const api = this.api;
    if (!api) return;
    try {
      const [newest] = (await api.timeline(roomId, { limit: 1 })).items;
      if (!newest || newest.eventId === this.#receipted || roomId !== this.roomId) return;
      this.#receipted = newest.eventId;
      await api.sendReceipt(roomId, newest.eventId);
    } catch {
      // Not on the federation yet, or the room changed under us: nothing to tell.
    }
  }

  private toggle(panel: SidePanel): void {
    this.side = this.side === panel ? undefined : panel;
  }

  override render(): TemplateResult {
    const room = this.room;
    return html`
      <header>
        <button type="button" class="back" aria-label="Back to rooms" @click=${this.back}>←</button>
        <div class="title">
          <h2>${room ? roomLabel(room) : this.roomId}</h2>
          ${room?.topic ? html`<p class="topic" title=${room.topic}>${room.topic}</p>` : nothing}
        </div>
        ${
          this.identity
            ? html`<tp-copy-button
                label="Copy a link others can join this room with"
                text="Share"
                .value=${roomLink(location.href, room?.canonicalAlias ?? this.roomId, [
                  this.identity.serverName,
                ])}
              ></tp-copy-button>`
            : nothing
        }
        <button type="button" aria-pressed=${this.side === 'members'} @click=${() => this.toggle('members')}>
          Members
        </button>
        <button type="button" aria-pressed=${this.side === 'settings'} @click=${() => this.toggle('settings')}>
          Settings
        </button>
        <button type="button" aria-pressed=${this.side === 'graph'} @click=${() => this.toggle('graph')}>
          Graph
        </button>
      </header>
      <div class="body" ?data-side=${this.side !== undefined}>
        <section class="conversation" aria-label="Conversation">
          <tp-timeline
            .session=${this.session}
                        .roomId=${this.roomId}
            .userId=${this.identity?.userId ?? ''}
            .showHidden=${this.showHidden}
            .typingUsers=${this.#edus.typingNames}
            .readUpTo=${this.#edus.readUpTo}
            .onBackfill=${this.backfill}
            @tp-new-events=${this.markRead}
            @tp-edit=${(e: CustomEvent<TimelineItem>) => {
              this.editing = e.detail;
            }}
          ></tp-timeline>
          <div>
            ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
            <tp-composer
              .session=${this.session}
              .roomId=${this.roomId}
              .editing=${this.editing}
              @tp-edit-done=${() => {
                this.editing = undefined;
              }}
              @tp-edit-last=${this.editLast}
            ></tp-composer>
          </div>
        </section>
        ${this.side ? this.renderSide(this.side) : nothing}
      </div>
    `;
  }

  private renderSide(side: SidePanel): TemplateResult {
    const title = { members: 'Members', settings: 'Room settings', graph: 'Event graph' }[side];
    return html`<aside aria-labelledby="side-title">
      <div class="row">
        <h3 id="side-title">${title}</h3>
        <button type="button" aria-label="Close ${title}" @click=${() => {
          this.side = undefined;
        }}>Close</button>
      </div>
      ${
        side === 'members'
          ? html`<tp-members-panel .session=${this.session} .roomId=${this.roomId}></tp-members-panel>`
          : side === 'graph'
            ? html`<label class="row">
                  <input
                    type="checkbox"
                    .checked=${this.showHidden}
                    @change=${(e: Event) => {
                      this.showHidden = (e.target as HTMLInputElement).checked;
                    }}
                  />
                  Show rejected and soft-failed events in the timeline
                </label>
                <tp-event-graph .session=${this.session} .roomId=${this.roomId}></tp-event-graph>`
            : html`<tp-room-settings .session=${this.session} .room=${this.room} @tp-left=${this.back}></tp-room-settings>`
      }
    </aside>`;
  }

  /** Older history from the room's other servers: true when some came. */
  private readonly backfill = async (): Promise<boolean> => {
    const { api, roomId } = this;
    if (!api) return false;
    const result = await api.backfill(roomId, 50);
    return result.added > 0;
  };

  private editLast(): void {
    const item = this.timeline?.lastOwnEditable();
    if (item) this.editing = item;
  }

  private back(): void {
    this.dispatchEvent(new CustomEvent('tp-back', { bubbles: true, composed: true }));
  }

  /** Puts the keyboard focus in the composer. */
  focusComposer(): void {
    this.composer?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-room-view': RoomView;
  }
}
