import type { Remote } from 'comlink';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { NodeApi, RoomStateView } from '../node/api.js';
import { errorText } from './errors.js';
import type { NodeSession } from './node-session.js';
import { sharedStyles } from './styles.js';
import './copy-button.js';

type Field = 'name' | 'topic' | 'joinRule' | 'history' | 'leave';
type JoinRule = 'public' | 'invite' | 'knock';
type Visibility = 'invited' | 'joined' | 'shared' | 'world_readable';

/**
 * `<tp-room-settings>`: the room's name, topic, join rule and history
 * visibility, each saved on its own; and leaving the room. Each change shows
 * the node's refusal next to the control. Fires `tp-left` after leaving.
 */
@customElement('tp-room-settings')
export class RoomSettings extends LitElement {
  /** The running node: its API and change feed. */
  @property({ attribute: false }) session?: NodeSession;
  private get api(): Remote<NodeApi> | undefined {
    return this.session?.api;
  }
  /** The room's current state, as the room view read it. */
  @property({ attribute: false }) room?: RoomStateView;

  @state() private errors: Partial<Record<Field, string>> = {};
  @state() private saved: Partial<Record<Field, string>> = {};
  @state() private confirmingLeave = false;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        padding: 0 0.75rem 0.75rem;
      }
      form {
        margin-bottom: 0.75rem;
      }
      input,
      textarea,
      select {
        width: 100%;
      }
      dt {
        font-weight: 600;
      }
      dd {
        margin: 0 0 0.4rem;
      }
    `,
  ];

  override render(): TemplateResult | typeof nothing {
    const room = this.room;
    if (!room) return html`<p class="muted">Reading the room…</p>`;
    return html`
      <form @submit=${(e: SubmitEvent) => this.save(e, 'name')}>
        <div class="field">
          <label for="settings-name">Room name</label>
          <input id="settings-name" name="value" .value=${room.name ?? ''} autocomplete="off" />
        </div>
        <button type="submit">Save name</button>
        ${this.feedback('name')}
      </form>
      <form @submit=${(e: SubmitEvent) => this.save(e, 'topic')}>
        <div class="field">
          <label for="settings-topic">Topic</label>
          <textarea id="settings-topic" name="value" rows="3" .value=${room.topic ?? ''}></textarea>
        </div>
        <button type="submit">Save topic</button>
        ${this.feedback('topic')}
      </form>
      <form @submit=${(e: SubmitEvent) => this.save(e, 'joinRule')}>
        <div class="field">
          <label for="settings-join">Who can join</label>
          <select id="settings-join" name="value" .value=${room.joinRule}>
            <option value="invite" ?selected=${room.joinRule === 'invite'}>Only invited people</option>
            <option value="knock" ?selected=${room.joinRule === 'knock'}>People can ask to join (knock)</option>
            <option value="public" ?selected=${room.joinRule === 'public'}>Anyone (public)</option>
          </select>
        </div>
        <button type="submit">Save join rule</button>
        ${this.feedback('joinRule')}
      </form>
      <form @submit=${(e: SubmitEvent) => this.save(e, 'history')}>
        <div class="field">
          <label for="settings-history">Who can read the history</label>
          <select id="settings-history" name="value">
            ${(
              [
                ['shared', 'Members, all of it (shared)'],
                ['invited', 'Members, since they were invited'],
                ['joined', 'Members, since they joined'],
                ['world_readable', 'Anyone (world readable)'],
              ] as const
            ).map(
              ([value, label]) =>
                html`<option value=${value} ?selected=${room.historyVisibility === value}>${label}</option>`,
            )}
          </select>
        </div>
        <button type="submit">Save history visibility</button>
        ${this.feedback('history')}
      </form>
      <dl>
        <dt>Room ID</dt>
        <dd class="row">
          <code class="id">${room.roomId}</code>
          <tp-copy-button label="Copy room ID" .value=${room.roomId}></tp-copy-button>
        </dd>
        ${room.canonicalAlias ? html`<dt>Address</dt><dd><code class="id">${room.canonicalAlias}</code></dd>` : nothing}
        <dt>Room version</dt>
        <dd>${room.roomVersion}</dd>
      </dl>
      ${
        this.confirmingLeave
          ? html`<div class="row" role="group" aria-label="Confirm leaving">
              <span>Leave this room?</span>
              <button type="button" class="danger" @click=${this.leave}>Yes, leave</button>
              <button type="button" @click=${() => {
                this.confirmingLeave = false;
              }}>Stay</button>
            </div>`
          : html`<button type="button" class="danger" @click=${() => {
              this.confirmingLeave = true;
            }}>Leave room</button>`
      }
      ${this.feedback('leave')}
    `;
  }

  private feedback(field: Field): TemplateResult {
    const error = this.errors[field];
    return html`${error ? html`<p class="alert" role="alert">${error}</p>` : nothing}
      <p class="status" role="status">${this.saved[field] ?? ''}</p>`;
  }

  private async save(event: SubmitEvent, field: Exclude<Field, 'leave'>): Promise<void> {
    event.preventDefault();
    const { api, room } = this;
    if (!api || !room) return;
    const value = (
      (new FormData(event.target as HTMLFormElement).get('value') as string | null) ?? ''
    ).trim();
    this.errors = { ...this.errors, [field]: undefined };
    this.saved = { ...this.saved, [field]: undefined };
    try {
      if (field === 'name') await api.setName(room.roomId, value);
      else if (field === 'topic') await api.setTopic(room.roomId, value);
      else if (field === 'joinRule') await api.setJoinRule(room.roomId, value as JoinRule);
      else await api.setHistoryVisibility(room.roomId, value as Visibility);
      this.saved = { ...this.saved, [field]: 'Saved.' };
    } catch (error) {
      this.errors = { ...this.errors, [field]: `Not saved: ${errorText(error)}` };
    }
  }

  private async leave(): Promise<void> {
    const { api, room } = this;
    if (!api || !room) return;
    this.errors = { ...this.errors, leave: undefined };
    try {
      await api.leave(room.roomId);
      this.confirmingLeave = false;
      this.dispatchEvent(new CustomEvent('tp-left', { bubbles: true, composed: true }));
    } catch (error) {
      this.errors = { ...this.errors, leave: `Could not leave: ${errorText(error)}` };
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-room-settings': RoomSettings;
  }
}
