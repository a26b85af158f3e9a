import type { Remote } from 'comlink';
import { css, html, LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { RoomSummary } from '../node/api.js';
import { coalesce } from './coalesce.js';
import type { CreateRoomDialog } from './create-room-dialog.js';
import { errorText } from './errors.js';
import { roomLabel } from './format.js';
import { NewestRead } from './newest-read.js';
import type { NodeRemoteApi } from './node-client.js';
import { type NodeSession, SessionListener } from './node-session.js';
import { sharedStyles } from './styles.js';
import './create-room-dialog.js';
import type { JoinRoomDialog } from './join-room-dialog.js';
import './join-room-dialog.js';
import type { RoomTarget } from './room-link.js';
import { RoomListTyping } from './room-list-typing.js';

/**
 * `<tp-room-list>`: the rooms of this node, newest activity first, with the last
 * message (or who is typing there now) and the unread count. Fires
 * `tp-select-room` (detail: room ID).
 */
/** How long after a change the room list reads it: about three frames. */
const LIST_DELAY_MS = 50;

@customElement('tp-room-list')
export class RoomList extends LitElement {
  /**
   * Re-reads after node changes, coalesced (see coalesce.ts) and a little
   * later: a new message's entry can trail the open timeline by a few
   * frames, and reading the list at once made the timeline's own read of
   * that message wait behind it in the node's worker.
   */
  readonly #loadSoon = coalesce(() => this.load(), { afterMs: LIST_DELAY_MS });
  /** The running node: its API and change feed. */
  @property({ attribute: false }) session?: NodeSession;
  private get api(): Remote<NodeRemoteApi> | undefined {
    return this.session?.api;
  }
  /** This node's server name (for room aliases). */
  @property() serverName = '';
  /** The room shown now. */
  @property() selected?: string;

  @state() private rooms?: RoomSummary[];
  @state() private error?: string;
  /** Invites being answered, by room. */
  @state() private answering = new Map<string, 'accept' | 'decline'>();
  @query('tp-create-room-dialog') private createDialog?: CreateRoomDialog;
  @query('tp-join-room-dialog') private joinDialog?: JoinRoomDialog;
  readonly #reads = new NewestRead();
  readonly #typing = new RoomListTyping(this);

  constructor() {
    super();
    new SessionListener(
      this,
      () => this.session,
      // Every change to what a room's entry shows comes with a `rooms` change
      // (a timeline change is followed by one): reading on each kind read the
      // list twice per message.
      (change) => {
        if (change.kind === 'rooms') void this.#loadSoon();
      },
    );
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        overflow: auto;
      }
      .buttons {
        display: flex;
        gap: 0.4rem;
      }
      .head {
        display: flex;
        align-items: center;
        justify-content: space-between;
        padding: 0.5rem 0.75rem;
      }
      h2 {
        margin: 0;
        font-size: 1.05rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li button {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        gap: 0 0.5rem;
        width: 100%;
        text-align: left;
        border: none;
        border-radius: 0;
        border-bottom: 1px solid var(--tp-border);
        background: none;
        padding: 0.5rem 0.75rem;
      }
      li button[aria-current='true'] {
        background: var(--tp-surface);
        box-shadow: inset 3px 0 0 var(--tp-accent);
      }
      .name,
      .preview {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .name {
        font-weight: 600;
      }
      .preview {
        grid-column: 1;
        color: var(--tp-muted);
        font-size: 0.9rem;
      }
      .preview.typing {
        font-style: italic;
      }
      .badge {
        grid-row: 1 / span 2;
        grid-column: 2;
        align-self: center;
        min-width: 1.5rem;
        text-align: center;
        border-radius: 999px;
        padding: 0 0.4rem;
        background: var(--tp-accent);
        color: var(--tp-accent-fg);
        font-size: 0.85rem;
      }
      li.invite {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: space-between;
        gap: 0.4rem;
        padding: 0.5rem 0.75rem;
        border-bottom: 1px solid var(--tp-border);
      }
      .invite-text {
        display: grid;
        min-width: 0;
      }
      .invite-actions {
        display: flex;
        gap: 0.4rem;
      }
      .empty,
      .alert {
        margin: 0.5rem 0.75rem;
      }
    `,
  ];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('session')) void this.load();
    this.#typing.follow(this.api, this.rooms ?? []);
  }

  private async load(): Promise<void> {
    const api = this.api;
    if (!api) return;
    await this.#reads.run(
      () => api.rooms(),
      (rooms) => {
        rooms.sort(
          (a, b) => (b.lastEvent?.originServerTs ?? 0) - (a.lastEvent?.originServerTs ?? 0),
        );
        this.rooms = rooms;
        this.error = undefined;
      },
      (error) => {
        this.error = `Could not read the rooms: ${errorText(error)}`;
      },
    );
  }

  override render(): TemplateResult {
    return html`
      <nav aria-labelledby="rooms-title">
        <div class="head">
          <h2 id="rooms-title">Rooms</h2>
          <span class="buttons">
            <button type="button" @click=${() => this.showJoin()}>Join</button>
            <button type="button" class="primary" @click=${() => this.createDialog?.show()}>
              New room
            </button>
          </span>
        </div>
        ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : ''}
        ${this.renderRooms()}
      </nav>
      <tp-create-room-dialog
        .session=${this.session}
        .serverName=${this.serverName}
        @tp-room-created=${(e: CustomEvent<string>) => this.select(e.detail)}
      ></tp-create-room-dialog>
      <tp-join-room-dialog
        .session=${this.session}
        @tp-room-joined=${(e: CustomEvent<string>) => this.select(e.detail)}
      ></tp-join-room-dialog>
    `;
  }

  private renderRooms(): TemplateResult {
    if (!this.rooms) return html`<p class="empty muted" role="status">Reading rooms…</p>`;
    if (this.rooms.length === 0) {
      return html`<p class="empty muted">No rooms yet. Create one with “New room”.</p>`;
    }
    return html`<ul>
      ${this.rooms.map((room) => this.renderRoom(room))}
    </ul>`;
  }

  /** An invite from another server: accept (join through the inviter's server) or decline. */
  private renderInvite(room: RoomSummary): TemplateResult {
    const label = roomLabel(room);
    const inviter = room.lastEvent?.senderName ?? room.lastEvent?.sender ?? 'someone';
    const busy = this.answering.get(room.roomId);
    return html`<li class="invite">
      <div class="invite-text">
        <span class="name">${label}</span>
        <span class="preview">Invited by ${inviter}</span>
      </div>
      <div class="invite-actions">
        <button
          type="button"
          class="primary"
          ?disabled=${busy !== undefined}
          aria-label="Accept the invite to ${label}"
          @click=${() => void this.answer(room, 'accept')}
        >
          ${busy === 'accept' ? 'Joining…' : 'Accept'}
        </button>
        <button
          type="button"
          ?disabled=${busy !== undefined}
          aria-label="Decline the invite to ${label}"
          @click=${() => void this.answer(room, 'decline')}
        >
          ${busy === 'decline' ? 'Declining…' : 'Decline'}
        </button>
      </div>
    </li>`;
  }

  private async answer(room: RoomSummary, how: 'accept' | 'decline'): Promise<void> {
    const api = this.api;
    if (!api) return;
    this.answering = new Map(this.answering).set(room.roomId, how);
    this.error = undefined;
    try {
      if (how === 'accept') {
        const inviter = room.lastEvent?.sender;
        const via = inviter?.includes(':') ? [inviter.slice(inviter.indexOf(':') + 1)] : [];
        this.select(await api.joinRoom(room.roomId, via));
      } else {
        await api.rejectInvite(room.roomId);
      }
    } catch (error) {
      const what = how === 'accept' ? 'join' : 'decline the invite to';
      this.error = `Could not ${what} ${roomLabel(room)}: ${errorText(error)}`;
    } finally {
      const next = new Map(this.answering);
      next.delete(room.roomId);
      this.answering = next;
    }
  }

  private renderRoom(room: RoomSummary): TemplateResult {
    if (room.membership === 'invite') return this.renderInvite(room);
    const label = roomLabel(room);
    const unread = room.unreadCount;
    const badge =
      unread > 0 ? html`<span class="badge" aria-label="${unread} unread">${unread}</span>` : '';
    const preview = this.#typing.preview(room);
    return html`<li>
      <button
        type="button"
        aria-current=${room.roomId === this.selected ? 'true' : 'false'}
        @click=${() => this.select(room.roomId)}
      >
        <span class="name">${label}</span>
        ${badge}
        <span class="preview ${preview.typing ? 'typing' : ''}">${preview.text}</span>
      </button>
    </li>`;
  }

  /** Opens the join dialog, filled in with `prefill` (the page was opened from a room link). */
  showJoin(prefill?: RoomTarget): void {
    this.joinDialog?.show(prefill);
  }

  private select(roomId: string): void {
    this.dispatchEvent(
      new CustomEvent('tp-select-room', { detail: roomId, bubbles: true, composed: true }),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-room-list': RoomList;
  }
}
