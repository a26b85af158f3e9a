import type { Remote } from 'comlink';
import { css, html, LitElement, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { errorText } from './errors.js';
import type { NodeRemoteApi } from './node-client.js';
import type { NodeSession } from './node-session.js';
import { parseRoomLink, type RoomTarget } from './room-link.js';
import { sharedStyles } from './styles.js';
import './room-directory.js';

/**
 * `<tp-join-room-dialog>`: join a room on other servers by link, alias or ID
 * (optionally naming servers to ask), or pick one from a server's public room
 * directory. Joining shows progress; a refusal is shown in the node's words.
 * Fires `tp-room-joined` (detail: the room ID).
 */
@customElement('tp-join-room-dialog')
export class JoinRoomDialog extends LitElement {
  /** The running node: its API and change feed. */
  @property({ attribute: false }) session?: NodeSession;
  private get api(): Remote<NodeRemoteApi> | undefined {
    return this.session?.api;
  }

  @state() private error?: string;
  /** What is being joined, while it runs. */
  @state() private joining?: string;
  @query('dialog') private dialog?: HTMLDialogElement;
  @query('form') private form?: HTMLFormElement;
  @query('#join-target') private targetInput?: HTMLInputElement;

  static override styles = [
    sharedStyles,
    css`
      dialog {
        width: min(34rem, calc(100vw - 1rem));
        max-height: calc(100dvh - 1rem);
        color: var(--tp-fg);
        background: var(--tp-bg);
        border: 1px solid var(--tp-border);
        border-radius: 0.5rem;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.4);
      }
      h2,
      h3 {
        margin-top: 0;
      }
      input {
        width: 100%;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 0.5rem;
      }
    `,
  ];

  /** Opens the dialog, filled in with `prefill` (a link the page was opened with). */
  show(prefill?: RoomTarget): void {
    this.form?.reset();
    this.error = undefined;
    this.dialog?.showModal();
    if (prefill && this.targetInput) {
      this.targetInput.value = prefill.target;
      const via = this.renderRoot.querySelector<HTMLInputElement>('#join-via');
      if (via) via.value = prefill.via.join(' ');
    }
  }

  override render(): TemplateResult {
    const busy = this.joining !== undefined;
    return html`
      <dialog aria-labelledby="join-title">
        <h2 id="join-title">Join a room</h2>
        <form @submit=${this.submit}>
          <div class="field">
            <label for="join-target">Room link, address (#room:server) or ID</label>
            <input id="join-target" name="target" autocomplete="off" required />
          </div>
          <div class="field">
            <label for="join-via">Servers to ask (optional, separated by spaces)</label>
            <input id="join-via" name="via" autocomplete="off" />
          </div>
          ${
            busy
              ? html`<p role="status">
                  Joining ${this.joining}… <progress aria-label="Joining the room"></progress>
                </p>`
              : ''
          }
          ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : ''}
          <div class="actions">
            <button type="button" @click=${() => this.dialog?.close()}>Close</button>
            <button type="submit" class="primary" ?disabled=${busy}>Join</button>
          </div>
        </form>
        <h3>Public rooms</h3>
        <tp-room-directory
          .session=${this.session}
          ?disabled=${busy}
          @tp-join-room=${(e: CustomEvent<RoomTarget>) => void this.join(e.detail)}
        ></tp-room-directory>
      </dialog>
    `;
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const text = String(data.get('target') ?? '');
    const parsed = parseRoomLink(text);
    if (!parsed) {
      this.error =
        'That is not a room link, a room address like #room:server, or a room ID like !id:server.';
      return;
    }
    const extra = String(data.get('via') ?? '')
      .split(/[\s,]+/)
      .filter((server) => server !== '');
    await this.join({ target: parsed.target, via: [...parsed.via, ...extra] });
  }

  private async join(target: RoomTarget): Promise<void> {
    const api = this.api;
    if (!api || this.joining !== undefined) return;
    this.error = undefined;
    this.joining = target.target;
    try {
      const roomId = await api.joinRoom(target.target, target.via);
      this.dialog?.close();
      this.dispatchEvent(new CustomEvent('tp-room-joined', { detail: roomId, bubbles: true }));
    } catch (error) {
      this.error = `Could not join ${target.target}: ${errorText(error)}`;
    } finally {
      this.joining = undefined;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-join-room-dialog': JoinRoomDialog;
  }
}
