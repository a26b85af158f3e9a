import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { IdentityInfo } from '../node/api.js';
import type { TidepoolTransport } from '../transport/start-transport.js';
import { shortUserId } from './describe-event.js';
import type { IdentityPanel } from './identity-panel.js';
import type { NodeConnection } from './node-client.js';
import { NodeSession } from './node-session.js';
import { fromJoinHash } from './room-link.js';
import type { RoomList } from './room-list.js';
import type { SelfCheckResult } from './self-check-panel.js';
import { sharedStyles, themeVariables } from './styles.js';
import './identity-panel.js';
import './network-panel.js';
import './room-list.js';
import './room-view.js';
import './self-check-panel.js';
import './start-error-panel.js';

export type { SelfCheckResult } from './self-check-panel.js';

/** Why the node could not start, as main.ts reports it. */
export interface StartError {
  /** The error's stable name, e.g. `NodeLockedError`. */
  name: string;
  /** What went wrong, in words. */
  message: string;
}

/** The room shown, kept in the URL's hash so a reload comes back to it. */
function roomFromHash(): string | undefined {
  const match = /^#room=(.+)$/.exec(location.hash);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/**
 * `<tidepool-app>`: the page shell. Starting → a progress line; a start error →
 * the reason in words; ready → the chat (room list, room view, side panel).
 * One column below 48rem (room list ↔ room view), two or three above.
 */
@customElement('tidepool-app')
export class TidepoolApp extends LitElement {
  /** The running node, set by main.ts once it is ready. */
  @property({ attribute: false }) connection?: NodeConnection;
  /** Why the node could not start, set by main.ts instead of `connection`. */
  @property({ attribute: false }) startError?: StartError;
  /** The core self-check result (Diagnostics); undefined while it runs. */
  @property({ attribute: false }) selfCheck?: SelfCheckResult;
  /** The page's libp2p transport, set by main.ts when a relay is configured. */
  @property({ attribute: false }) transport?: TidepoolTransport;

  @state() private networkOpen = false;

  @state() private session?: NodeSession;
  @state() private identity?: IdentityInfo;
  @state() private roomId? = roomFromHash();
  @query('tp-identity-panel') private identityPanel?: IdentityPanel;
  @query('tp-room-list') private roomList?: RoomList;

  static override styles = [
    themeVariables,
    sharedStyles,
    css`
      :host {
        display: grid;
        grid-template-rows: auto minmax(0, 1fr) auto;
        /* Nothing may widen the page past the screen: components shrink or wrap instead. */
        grid-template-columns: minmax(0, 1fr);
        height: 100vh;
        height: 100dvh;
        line-height: 1.4;
      }
      .top {
        display: flex;
        align-items: center;
        gap: 0.75rem;
        padding: 0.4rem 0.75rem;
        border-bottom: 1px solid var(--tp-border);
        min-width: 0;
      }
      h1 {
        margin: 0;
        font-size: 1.2rem;
      }
      .me {
        margin-left: auto;
        min-width: 0;
        max-width: 50%;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .network {
        padding: 0.25rem 0.75rem 0.5rem;
        border-bottom: 1px solid var(--tp-border);
        max-height: 40vh;
        overflow: auto;
      }
      main {
        min-height: 0;
        overflow: auto;
      }
      .message {
        max-width: 40rem;
        margin: 2rem auto;
        padding: 0 1rem;
      }
      .chat {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        height: 100%;
        min-height: 0;
      }
      .chat > * {
        min-height: 0;
        min-width: 0;
      }
      .chat[data-view='room'] tp-room-list,
      .chat[data-view='list'] .room {
        display: none;
      }
      .placeholder {
        display: grid;
        place-items: center;
        padding: 1rem;
      }
      footer {
        border-top: 1px solid var(--tp-border);
        padding: 0.2rem 0.75rem;
        max-height: 50vh;
        overflow: auto;
        font-size: 0.9rem;
      }
      summary {
        cursor: pointer;
      }
      @media (min-width: 48rem) {
        .chat {
          grid-template-columns: 18rem minmax(0, 1fr);
        }
        .chat[data-view='room'] tp-room-list,
        .chat[data-view='list'] .room {
          display: block;
        }
        tp-room-list {
          border-right: 1px solid var(--tp-border);
        }
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHashChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
    void this.session?.stop().catch(() => undefined);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('connection')) this.useConnection();
  }

  private useConnection(): void {
    void this.session?.stop().catch(() => undefined);
    const connection = this.connection;
    this.identity = connection?.identity;
    if (!connection) {
      this.session = undefined;
      return;
    }
    const session = new NodeSession(connection.api);
    session.listen((change) => {
      if (change.kind === 'identity') void this.reloadIdentity();
    });
    this.session = session;
    session.start().catch(() => undefined);
  }

  private async reloadIdentity(): Promise<void> {
    const connection = this.connection;
    try {
      const identity = await connection?.api.identity();
      if (identity && connection === this.connection) this.identity = identity;
    } catch {
      // Keep showing the identity we have; the identity panel shows its own errors.
    }
  }

  private readonly onHashChange = (): void => {
    this.roomId = roomFromHash();
    void this.offerJoinFromHash();
  };

  protected override updated(changed: PropertyValues<this>): void {
    if ((changed as Map<PropertyKey, unknown>).has('identity') && this.identity) {
      void this.offerJoinFromHash();
    }
  }

  /**
   * Opened from a room link (`#join=...`): the join dialog, filled in. Joining
   * waits for the user's click, so a link alone never joins anything.
   */
  private async offerJoinFromHash(): Promise<void> {
    const target = fromJoinHash(location.hash);
    if (!target) return;
    await this.updateComplete;
    const list = this.roomList;
    if (!list) return;
    await list.updateComplete;
    history.replaceState(null, '', `${location.pathname}${location.search}`);
    list.showJoin(target);
  }

  private selectRoom(roomId: string | undefined): void {
    const url = `${location.pathname}${location.search}${roomId ? `#room=${encodeURIComponent(roomId)}` : ''}`;
    history.pushState(null, '', url);
    this.roomId = roomId;
  }

  override render(): TemplateResult {
    return html`
      <div>
      <header class="top">
        <h1>Tidepool</h1>
        ${
          this.connection
            ? html`<button
                type="button"
                aria-expanded=${this.networkOpen}
                aria-controls="network"
                @click=${() => {
                  this.networkOpen = !this.networkOpen;
                }}
              >
                Network
              </button>`
            : nothing
        }
        ${
          this.identity
            ? html`<button
                class="me"
                type="button"
                aria-haspopup="dialog"
                title="Your identity: ${this.identity.userId}"
                @click=${() => this.identityPanel?.show()}
              >
                ${this.identity.displayName || shortUserId(this.identity.userId)}
              </button>`
            : nothing
        }
      </header>
      ${
        this.networkOpen
          ? html`<section id="network" class="network" aria-label="Network">
              <tp-network-panel .session=${this.session} .transport=${this.transport}></tp-network-panel>
            </section>`
          : nothing
      }
      </div>
      <main>${this.renderMain()}</main>
      <footer>
        <details>
          <summary>Diagnostics</summary>
          <tp-self-check .result=${this.selfCheck}></tp-self-check>
        </details>
      </footer>
      ${
        this.connection && this.identity
          ? html`<tp-identity-panel
              .session=${this.session}
              .identity=${this.identity}
              .node=${this.connection.nodeName}
              @tp-identity-changed=${this.reloadIdentity}
            ></tp-identity-panel>`
          : nothing
      }
    `;
  }

  private renderMain(): TemplateResult {
    if (this.startError) {
      return html`<tp-start-error class="message" .error=${this.startError}></tp-start-error>`;
    }
    const connection = this.connection;
    if (!connection || !this.identity) {
      return html`<div class="message" role="status">
        <p>Starting your node…</p>
        <progress aria-label="Starting the node"></progress>
      </div>`;
    }
    return html`
      <div class="chat" data-view=${this.roomId ? 'room' : 'list'}>
        <tp-room-list
          .session=${this.session}
                    .selected=${this.roomId}
          .serverName=${this.identity.serverName}
          @tp-select-room=${(e: CustomEvent<string>) => this.selectRoom(e.detail)}
        ></tp-room-list>
        ${
          this.roomId
            ? html`<tp-room-view
                class="room"
                .session=${this.session}
                                .roomId=${this.roomId}
                .identity=${this.identity}
                @tp-back=${() => this.selectRoom(undefined)}
              ></tp-room-view>`
            : html`<div class="room placeholder muted"><p>Pick a room, or create one.</p></div>`
        }
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tidepool-app': TidepoolApp;
  }
}
