import type { Remote } from 'comlink';
import { css, html, LitElement, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { CreateRoomOptions, NodeApi, RoomPreset } from '../node/api.js';
import { errorText } from './errors.js';
import type { NodeSession } from './node-session.js';
import { sharedStyles } from './styles.js';

/**
 * `<tp-create-room-dialog>`: name, topic, preset, room version and an optional
 * alias; the node's refusal is shown in the dialog. Fires `tp-room-created`
 * (detail: the new room ID).
 */
@customElement('tp-create-room-dialog')
export class CreateRoomDialog extends LitElement {
  /** The running node: its API and change feed. */
  @property({ attribute: false }) session?: NodeSession;
  private get api(): Remote<NodeApi> | undefined {
    return this.session?.api;
  }
  /** This node's server name, to make the alias `#localpart:serverName`. */
  @property() serverName = '';

  @state() private error?: string;
  @state() private busy = false;
  @query('dialog') private dialog?: HTMLDialogElement;
  @query('form') private form?: HTMLFormElement;

  static override styles = [
    sharedStyles,
    css`
      dialog {
        width: min(30rem, calc(100vw - 1rem));
        max-height: calc(100dvh - 1rem);
        color: var(--tp-fg);
        background: var(--tp-bg);
        border: 1px solid var(--tp-border);
        border-radius: 0.5rem;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.4);
      }
      h2 {
        margin-top: 0;
      }
      input,
      textarea,
      select {
        width: 100%;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 0.5rem;
      }
    `,
  ];

  /** Opens the dialog with an empty form. */
  show(): void {
    this.form?.reset();
    this.error = undefined;
    this.dialog?.showModal();
  }

  override render(): TemplateResult {
    return html`
      <dialog aria-labelledby="create-title">
        <h2 id="create-title">New room</h2>
        <form @submit=${this.create}>
          <div class="field">
            <label for="room-name">Name</label>
            <input id="room-name" name="name" autocomplete="off" />
          </div>
          <div class="field">
            <label for="room-topic">Topic</label>
            <textarea id="room-topic" name="topic" rows="2"></textarea>
          </div>
          <div class="field">
            <label for="room-preset">Who can join</label>
            <select id="room-preset" name="preset">
              <option value="private_chat">Private: by invitation</option>
              <option value="trusted_private_chat">Trusted private: invitees get full power</option>
              <option value="public_chat">Public: anyone can join</option>
            </select>
          </div>
          <div class="field">
            <label for="room-version">Room version</label>
            <select id="room-version" name="roomVersion">
              <option value="12" selected>12 (newest)</option>
              <option value="11">11</option>
              <option value="10">10</option>
            </select>
          </div>
          <div class="field">
            <label for="room-alias">Address (optional local part, e.g. <code>lobby</code>)</label>
            <input id="room-alias" name="alias" autocomplete="off" />
          </div>
          ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : ''}
          <div class="actions">
            <button type="button" @click=${() => this.dialog?.close()}>Cancel</button>
            <button type="submit" class="primary" ?disabled=${this.busy}>Create room</button>
          </div>
        </form>
      </dialog>
    `;
  }

  private async create(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const field = (key: string) => (data.get(key) as string | null)?.trim() ?? '';
    const options: CreateRoomOptions = {
      preset: field('preset') as RoomPreset,
      roomVersion: field('roomVersion') as CreateRoomOptions['roomVersion'],
    };
    if (field('name')) options.name = field('name');
    if (field('topic')) options.topic = field('topic');
    const alias = field('alias');
    if (alias)
      options.alias = alias.includes(':')
        ? alias
        : `#${alias.replace(/^#/, '')}:${this.serverName}`;
    this.error = undefined;
    this.busy = true;
    try {
      const roomId = await this.api!.createRoom(options);
      this.dialog?.close();
      this.dispatchEvent(new CustomEvent('tp-room-created', { detail: roomId, bubbles: true }));
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-create-room-dialog': CreateRoomDialog;
  }
}
