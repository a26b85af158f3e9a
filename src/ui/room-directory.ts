import type { Remote } from 'comlink';
import { css, html, LitElement, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { RemotePublicRooms } from '../federation/directory/query-public-rooms.js';
import { errorText } from './errors.js';
import type { NodeRemoteApi } from './node-client.js';
import type { NodeSession } from './node-session.js';
import type { RoomTarget } from './room-link.js';
import { sharedStyles } from './styles.js';

/**
 * `<tp-room-directory>`: another server's public rooms (name, topic, address,
 * members), searched by a term, a page at a time. Fires `tp-join-room`
 * (detail: the room and that server to join through).
 */
@customElement('tp-room-directory')
export class RoomDirectory extends LitElement {
  /** The running node: its API and change feed. */
  @property({ attribute: false }) session?: NodeSession;
  private get api(): Remote<NodeRemoteApi> | undefined {
    return this.session?.api;
  }
  /** Set while a join runs: the Join buttons wait. */
  @property({ type: Boolean }) disabled = false;

  @state() private page?: RemotePublicRooms;
  @state() private error?: string;
  @state() private loading = false;
  #query: { server: string; searchTerm: string } | undefined;

  static override styles = [
    sharedStyles,
    css`
      form {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) auto;
        gap: 0.4rem;
        align-items: end;
      }
      @media (max-width: 30rem) {
        form {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      input {
        width: 100%;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0.5rem 0;
      }
      li {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        gap: 0 0.5rem;
        padding: 0.4rem 0;
        border-bottom: 1px solid var(--tp-border);
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .detail {
        grid-column: 1;
        color: var(--tp-muted);
        font-size: 0.9rem;
        overflow-wrap: anywhere;
      }
      li button {
        grid-row: 1 / span 2;
        grid-column: 2;
        align-self: center;
      }
    `,
  ];

  override render(): TemplateResult {
    return html`
      <form @submit=${this.search} aria-label="Search a server's public rooms">
        <div>
          <label for="dir-server">Server</label>
          <input id="dir-server" name="server" autocomplete="off" required />
        </div>
        <div>
          <label for="dir-term">Search</label>
          <input id="dir-term" name="term" autocomplete="off" />
        </div>
        <button type="submit" ?disabled=${this.loading}>List</button>
      </form>
      ${this.loading ? html`<p role="status">Asking the server…</p>` : ''}
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : ''}
      ${this.renderPage()}
    `;
  }

  private renderPage(): TemplateResult | string {
    const page = this.page;
    if (!page) return '';
    if (page.rooms.length === 0) {
      return html`<p class="muted">${page.server} lists no public rooms${this.#query?.searchTerm ? ' that match' : ''}.</p>`;
    }
    return html`
      <ul aria-label="Public rooms of ${page.server}">
        ${page.rooms.map(
          (room) => html`<li>
            <span class="name">${room.name ?? room.canonical_alias ?? room.room_id}</span>
            <span class="detail">
              ${room.num_joined_members} member${room.num_joined_members === 1 ? '' : 's'}
              ${room.canonical_alias ? html` · ${room.canonical_alias}` : ''}
              ${room.topic ? html` · ${room.topic}` : ''}
            </span>
            <button
              type="button"
              ?disabled=${this.disabled}
              aria-label="Join ${room.name ?? room.canonical_alias ?? room.room_id}"
              @click=${() => this.pick(room.room_id, page.server)}
            >
              Join
            </button>
          </li>`,
        )}
      </ul>
      ${page.nextBatch ? html`<button type="button" @click=${this.more}>More rooms</button>` : ''}
    `;
  }

  private pick(roomId: string, server: string): void {
    const detail: RoomTarget = { target: roomId, via: [server] };
    this.dispatchEvent(new CustomEvent('tp-join-room', { detail, bubbles: true, composed: true }));
  }

  private async search(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.#query = {
      server: String(data.get('server') ?? '').trim(),
      searchTerm: String(data.get('term') ?? '').trim(),
    };
    this.page = undefined;
    await this.load();
  }

  private async more(): Promise<void> {
    await this.load(this.page?.nextBatch);
  }

  private async load(since?: string): Promise<void> {
    const api = this.api;
    const query = this.#query;
    if (!api || !query) return;
    this.loading = true;
    this.error = undefined;
    try {
      const page = await api.publicRooms(query.server, {
        searchTerm: query.searchTerm,
        ...(since === undefined ? {} : { since }),
      });
      this.page =
        since === undefined || !this.page
          ? page
          : { ...page, rooms: [...this.page.rooms, ...page.rooms] };
    } catch (error) {
      this.error = `Could not list the rooms of ${query.server}: ${errorText(error)}`;
    } finally {
      this.loading = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-room-directory': RoomDirectory;
  }
}
