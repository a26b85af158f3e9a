import type { Remote } from 'comlink';
import { css, html, LitElement, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { IdentityInfo, NodeApi } from '../node/api.js';
import { errorText } from './errors.js';
import type { NodeSession } from './node-session.js';
import { sharedStyles } from './styles.js';
import './copy-button.js';
import './import-identity.js';

/**
 * `<tp-identity-panel>`: a dialog with who this node is (server name, user ID,
 * copy buttons), the display name, and identity export and import. Fires
 * `tp-identity-changed` after the profile was saved.
 */
@customElement('tp-identity-panel')
export class IdentityPanel extends LitElement {
  /** The running node: its API and change feed. */
  @property({ attribute: false }) session?: NodeSession;
  private get api(): Remote<NodeApi> | undefined {
    return this.session?.api;
  }
  /** The identity to show. */
  @property({ attribute: false }) identity?: IdentityInfo;
  /** This tab's node name (`?node=`), for the export file name. */
  @property() node = '';

  @state() private profileError?: string;
  @state() private profileStatus?: string;
  @state() private exportError?: string;
  @state() private exportStatus?: string;
  @query('dialog') private dialog?: HTMLDialogElement;

  static override styles = [
    sharedStyles,
    css`
      dialog {
        width: min(36rem, calc(100vw - 1rem));
        max-height: calc(100dvh - 1rem);
        color: var(--tp-fg);
        background: var(--tp-bg);
        border: 1px solid var(--tp-border);
        border-radius: 0.5rem;
        padding: 1rem;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.4);
      }
      h2,
      h3 {
        margin: 0.2rem 0 0.5rem;
      }
      dt {
        font-weight: 600;
      }
      dd {
        margin: 0 0 0.5rem;
      }
      section {
        border-top: 1px solid var(--tp-border);
        padding-top: 0.5rem;
        margin-top: 0.75rem;
      }
      .head {
        display: flex;
        justify-content: space-between;
        align-items: start;
      }
    `,
  ];

  /** Opens the dialog. */
  show(): void {
    this.dialog?.showModal();
  }

  override render(): TemplateResult {
    const identity = this.identity;
    return html`
      <dialog aria-labelledby="identity-title">
        <div class="head">
          <h2 id="identity-title">Your identity</h2>
          <button type="button" aria-label="Close identity" @click=${() => this.dialog?.close()}>
            Close
          </button>
        </div>
        <dl>
          <dt>Server name</dt>
          <dd class="row">
            <code class="id">${identity?.serverName}</code>
            <tp-copy-button label="Copy server name" .value=${identity?.serverName ?? ''}></tp-copy-button>
          </dd>
          <dt>User ID</dt>
          <dd class="row">
            <code class="id">${identity?.userId}</code>
            <tp-copy-button label="Copy user ID" .value=${identity?.userId ?? ''}></tp-copy-button>
          </dd>
        </dl>
        <form @submit=${this.saveProfile}>
          <div class="field">
            <label for="display-name">Display name</label>
            <div class="row">
              <input
                id="display-name"
                name="displayName"
                .value=${identity?.displayName ?? ''}
                autocomplete="nickname"
              />
              <button type="submit">Save name</button>
            </div>
          </div>
          ${this.profileError ? html`<p class="alert" role="alert">${this.profileError}</p>` : ''}
          <p class="status" role="status">${this.profileStatus ?? ''}</p>
        </form>
        <section aria-labelledby="export-title">
          <h3 id="export-title">Export identity</h3>
          <p>
            Downloads a file with this node's identity, to back it up or move it to another
            browser. <strong>The file holds the secret key:</strong> anyone who has it can act
            as this node. Keep it private.
          </p>
          <button type="button" @click=${this.exportIdentity}>Export identity file</button>
          ${this.exportError ? html`<p class="alert" role="alert">${this.exportError}</p>` : ''}
          <p class="status" role="status">${this.exportStatus ?? ''}</p>
        </section>
        <section aria-labelledby="import-title">
          <h3 id="import-title">Import identity</h3>
          <tp-import-identity></tp-import-identity>
        </section>
      </dialog>
    `;
  }

  private async saveProfile(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const displayName = (new FormData(form).get('displayName') as string | null)?.trim() ?? '';
    this.profileError = undefined;
    this.profileStatus = undefined;
    try {
      await this.api?.setProfile({ displayName });
      this.profileStatus = 'Display name saved.';
      this.dispatchEvent(new CustomEvent('tp-identity-changed', { bubbles: true, composed: true }));
    } catch (error) {
      this.profileError = errorText(error);
    }
  }

  private async exportIdentity(): Promise<void> {
    this.exportError = undefined;
    this.exportStatus = undefined;
    try {
      const text = await this.api!.exportIdentity();
      const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `tidepool-identity-${this.node || 'node'}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      this.exportStatus = 'Identity file downloaded. It holds the secret key: keep it private.';
    } catch (error) {
      this.exportError = errorText(error);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-identity-panel': IdentityPanel;
  }
}
