import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { GraphReads } from '../node/room-graph.js';
import { coalesce } from './coalesce.js';
import { errorText } from './errors.js';
import { NewestRead } from './newest-read.js';
import { type NodeSession, SessionListener } from './node-session.js';
import { sharedStyles } from './styles.js';
import './copy-button.js';

/**
 * `<tp-state-digest-badge>`: "State digest: XXXXXXXXXXXX" for the room's
 * current resolved state, with a copy button. Two tabs showing the same digest
 * hold the same state; re-read when the room's state changes.
 */
@customElement('tp-state-digest-badge')
export class StateDigestBadge extends LitElement {
  readonly #loadSoon = coalesce(() => this.load());
  /** The running node: its API and change feed. */
  @property({ attribute: false }) session?: NodeSession;
  /** The room whose state is digested. */
  @property() roomId = '';

  @state() private digest?: string;
  @state() private error?: string;
  readonly #reads = new NewestRead();

  constructor() {
    super();
    new SessionListener(
      this,
      () => this.session,
      (change) => {
        // The digest is of the state alone: messages leave it as it was.
        if (change.kind === 'state' && change.roomId === this.roomId) void this.#loadSoon();
      },
    );
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        flex-wrap: wrap;
      }
      code {
        font-size: 0.95em;
        padding: 0.1rem 0.3rem;
        border: 1px solid var(--tp-border);
        border-radius: 0.25rem;
        background: var(--tp-surface);
      }
    `,
  ];

  // Until NodeApi declares the graph reads, the remote is narrowed here; both
  // are the same methods (see src/node/room-graph.ts GraphReads).
  private get api(): GraphReads | undefined {
    return this.session?.api;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('roomId') || changed.has('session')) {
      this.digest = undefined;
      void this.load();
    }
  }

  private async load(): Promise<void> {
    const { api, roomId } = this;
    if (!api || !roomId) return;
    await this.#reads.run(
      () => api.stateDigest(roomId),
      (digest) => {
        this.digest = digest;
        this.error = undefined;
      },
      (error) => {
        this.error = `Could not digest the state: ${errorText(error)}`;
      },
    );
  }

  override render(): TemplateResult {
    return html`
      <span>State digest:</span>
      <code data-testid="state-digest" title="SHA-256 of the current state's (type, state key, event ID) list">${this.digest ?? '…'}</code>
      ${this.digest ? html`<tp-copy-button .value=${this.digest} label="Copy state digest"></tp-copy-button>` : nothing}
      ${this.error ? html`<span class="alert" role="alert">${this.error}</span>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-state-digest-badge': StateDigestBadge;
  }
}
