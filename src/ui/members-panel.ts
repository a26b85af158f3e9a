import type { Remote } from 'comlink';
import { css, html, LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { MemberInfo, Membership, NodeApi } from '../node/api.js';
import { coalesce } from './coalesce.js';
import { errorText } from './errors.js';
import { NewestRead } from './newest-read.js';
import { type NodeSession, SessionListener } from './node-session.js';
import { sharedStyles } from './styles.js';
import './member-row.js';

const ORDER: Membership[] = ['join', 'invite', 'knock', 'ban', 'leave'];
const HEADINGS: Record<Membership, string> = {
  join: 'Joined',
  invite: 'Invited',
  knock: 'Asking to join',
  ban: 'Banned',
  leave: 'Left',
};

/**
 * `<tp-members-panel>`: the room's members by membership, with their power;
 * invite by user ID; each row manages one member (see member-row.ts).
 */
@customElement('tp-members-panel')
export class MembersPanel extends LitElement {
  /** Re-reads after node changes, coalesced (see coalesce.ts). */
  readonly #loadSoon = coalesce(() => this.load());
  /** The running node: its API and change feed. */
  @property({ attribute: false }) session?: NodeSession;
  private get api(): Remote<NodeApi> | undefined {
    return this.session?.api;
  }
  /** The room whose members are shown. */
  @property() roomId = '';

  @state() private members?: MemberInfo[];
  @state() private error?: string;
  @state() private inviteError?: string;
  @state() private inviteStatus?: string;
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
        display: block;
        padding: 0 0.75rem 0.75rem;
      }
      h3 {
        font-size: 0.95rem;
        margin: 0.75rem 0 0.25rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      input {
        flex: 1;
        min-width: 10rem;
      }
    `,
  ];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('roomId') || changed.has('session')) {
      this.members = undefined;
      void this.load();
    }
  }

  private async load(): Promise<void> {
    const { api, roomId } = this;
    if (!api || !roomId) return;
    await this.#reads.run(
      () => api.members(roomId),
      (members) => {
        this.members = members;
        this.error = undefined;
      },
      (error) => {
        this.error = `Could not read the members: ${errorText(error)}`;
      },
    );
  }

  override render(): TemplateResult {
    return html`
      <form @submit=${this.invite}>
        <div class="field">
          <label for="invite-user">Invite by user ID</label>
          <div class="row">
            <input id="invite-user" name="userId" placeholder="@name:server" autocomplete="off" />
            <button type="submit">Invite</button>
          </div>
        </div>
        ${this.inviteError ? html`<p class="alert" role="alert">${this.inviteError}</p>` : ''}
        <p class="status" role="status">${this.inviteStatus ?? ''}</p>
      </form>
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : ''}
      ${this.members ? ORDER.map((m) => this.renderGroup(m)) : html`<p class="muted">Reading members…</p>`}
    `;
  }

  private renderGroup(membership: Membership): TemplateResult | string {
    const members = this.members?.filter((m) => m.membership === membership) ?? [];
    if (members.length === 0) return '';
    const id = `members-${membership}`;
    return html`<section aria-labelledby=${id}>
      <h3 id=${id}>${HEADINGS[membership]} (${members.length})</h3>
      <ul>
        ${members.map(
          (member) =>
            html`<li><tp-member-row .session=${this.session} .roomId=${this.roomId} .member=${member}></tp-member-row></li>`,
        )}
      </ul>
    </section>`;
  }

  private async invite(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const userId = (new FormData(form).get('userId') as string | null)?.trim() ?? '';
    this.inviteError = undefined;
    this.inviteStatus = undefined;
    if (!userId) {
      this.inviteError = 'Enter the user ID to invite, like @name:server.';
      return;
    }
    try {
      await this.api!.invite(this.roomId, userId);
      this.inviteStatus = `Invited ${userId}.`;
      form.reset();
    } catch (error) {
      this.inviteError = `Could not invite: ${errorText(error)}`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-members-panel': MembersPanel;
  }
}
