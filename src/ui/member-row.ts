import type { Remote } from 'comlink';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { MemberInfo, NodeApi } from '../node/api.js';
import { shortUserId } from './describe-event.js';
import { errorText } from './errors.js';
import { powerLabel } from './format.js';
import type { NodeSession } from './node-session.js';
import { sharedStyles } from './styles.js';

type MemberAction = 'kick' | 'ban' | 'unban';

/**
 * `<tp-member-row>`: one member, their membership and power, and (under
 * "Manage") kick, ban or unban with an optional reason and a power level
 * change. The node's refusal shows in the row.
 */
@customElement('tp-member-row')
export class MemberRow extends LitElement {
  /** The running node: its API and change feed. */
  @property({ attribute: false }) session?: NodeSession;
  private get api(): Remote<NodeApi> | undefined {
    return this.session?.api;
  }
  /** The room. */
  @property() roomId = '';
  /** The member to show. */
  @property({ attribute: false }) member?: MemberInfo;

  @state() private error?: string;
  @state() private status?: string;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        border-bottom: 1px solid var(--tp-border);
        padding: 0.35rem 0;
      }
      .who {
        display: flex;
        flex-wrap: wrap;
        gap: 0 0.5rem;
        align-items: baseline;
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .power {
        margin-left: auto;
        font-size: 0.85rem;
      }
      summary {
        cursor: pointer;
        font-size: 0.9rem;
        color: var(--tp-accent);
      }
      input {
        min-width: 0;
      }
      input[type='number'] {
        width: 6rem;
      }
    `,
  ];

  override render(): TemplateResult | typeof nothing {
    const member = this.member;
    if (!member) return nothing;
    const name = member.displayName || shortUserId(member.userId);
    const banned = member.membership === 'ban';
    return html`
      <div class="who">
        <span class="name">${name}</span>
        <span class="power muted">Power: ${powerLabel(member.powerLevel)}</span>
        <span class="muted id">${member.userId}</span>
      </div>
      <details>
        <summary aria-label="Manage ${name}">Manage</summary>
        <div class="field">
          <label for="reason">Reason (optional)</label>
          <input id="reason" autocomplete="off" />
        </div>
        <div class="row" role="group" aria-label="Membership actions for ${name}">
          ${
            banned
              ? html`<button type="button" @click=${() => this.act('unban')}>Unban</button>`
              : html`${
                  member.membership === 'join' ||
                  member.membership === 'invite' ||
                  member.membership === 'knock'
                    ? html`<button type="button" class="danger" @click=${() => this.act('kick')}>
                        Kick
                      </button>`
                    : nothing
                }
                <button type="button" class="danger" @click=${() => this.act('ban')}>Ban</button>`
          }
        </div>
        <form class="row" @submit=${this.setPower}>
          <label for="power">Power level</label>
          <input
            id="power"
            name="power"
            type="number"
            step="1"
            .value=${member.powerLevel === null ? '' : String(member.powerLevel)}
          />
          <button type="submit">Set power</button>
        </form>
      </details>
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
      <p class="status" role="status">${this.status ?? ''}</p>
    `;
  }

  private reason(): string | undefined {
    const value = this.renderRoot.querySelector<HTMLInputElement>('#reason')?.value.trim();
    return value || undefined;
  }

  private async act(action: MemberAction): Promise<void> {
    const { api, member } = this;
    if (!api || !member) return;
    this.error = undefined;
    this.status = undefined;
    try {
      await api[action](this.roomId, member.userId, this.reason());
      this.status = `${action === 'kick' ? 'Kicked' : action === 'ban' ? 'Banned' : 'Unbanned'} ${member.userId}.`;
    } catch (error) {
      this.error = `Could not ${action}: ${errorText(error)}`;
    }
  }

  private async setPower(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const { api, member } = this;
    if (!api || !member) return;
    const raw = (new FormData(event.target as HTMLFormElement).get('power') as string | null) ?? '';
    const level = Number(raw);
    this.error = undefined;
    this.status = undefined;
    if (raw.trim() === '' || !Number.isInteger(level)) {
      this.error = 'Enter a whole number for the power level.';
      return;
    }
    try {
      await api.setPowerLevel(this.roomId, member.userId, level);
      this.status = `Power level set to ${level}.`;
    } catch (error) {
      this.error = `Could not change the power level: ${errorText(error)}`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-member-row': MemberRow;
  }
}
