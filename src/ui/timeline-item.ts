import type { Remote } from 'comlink';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { NodeApi, TimelineItem } from '../node/api.js';
import { describeStateEvent, type PreviousMember, senderLabel } from './describe-event.js';
import { errorText } from './errors.js';
import { formatFullTime, formatTime, seenByText } from './format.js';
import { formattedBodyOf, sanitizeFormattedBody } from './formatted-body.js';
import type { NodeSession } from './node-session.js';
import { sharedStyles } from './styles.js';

/** Message types the composer can edit. */
const EDITABLE = new Set(['m.text', 'm.emote', 'm.notice']);

/** True when `item` is a message of the user's own that can be edited. */
export function isEditable(item: TimelineItem, userId: string): boolean {
  return (
    item.type === 'm.room.message' &&
    item.sender === userId &&
    !item.redactedBy &&
    item.status === 'accepted' &&
    EDITABLE.has(String(item.content.msgtype)) &&
    typeof item.content.body === 'string'
  );
}

/**
 * `<tp-timeline-item>`: one event. A plain `body` is rendered as text (Lit
 * escapes it); a `formatted_body` of Matrix HTML only after sanitizing
 * (formatted-body.ts). Offers Edit on the user's own messages (fires
 * `tp-edit`, detail: the item) and Delete (redact, confirmed inline).
 */
@customElement('tp-timeline-item')
export class TimelineItemView extends LitElement {
  /** The event to show. */
  @property({ attribute: false }) item?: TimelineItem;
  /** For membership events: the member's previous content, to name the change. */
  @property({ attribute: false }) previousMember?: PreviousMember;
  /** The local user's ID (own messages get Edit). */
  @property() userId = '';
  /** The room the event is in. */
  @property() roomId = '';
  /** The running node, for redaction. */
  @property({ attribute: false }) session?: NodeSession;
  /** Display names of people who have read up to this event. */
  @property({ attribute: false }) seenBy?: readonly string[];
  private get api(): Remote<NodeApi> | undefined {
    return this.session?.api;
  }

  @state() private confirmingDelete = false;
  @state() private error?: string;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        padding: 0.25rem 0.75rem;
      }
      :host(:hover),
      :host(:focus-within) {
        background: var(--tp-surface);
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: 0 0.5rem;
        align-items: baseline;
        font-size: 0.85rem;
        color: var(--tp-muted);
      }
      .sender {
        font-weight: 600;
        color: var(--tp-fg);
        overflow-wrap: anywhere;
      }
      .body {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        margin: 0.1rem 0;
      }
      .notice {
        color: var(--tp-muted);
        border-left: 3px solid var(--tp-border);
        padding-left: 0.5rem;
      }
      .emote {
        font-style: italic;
      }
      .formatted {
        white-space: normal;
      }
      .formatted :is(p, pre, blockquote, ul, ol, table, h1, h2, h3, h4, h5, h6) {
        margin: 0.2rem 0;
      }
      .formatted :is(h1, h2, h3, h4, h5, h6) {
        font-size: 1rem;
      }
      .formatted pre {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .formatted blockquote {
        border-left: 3px solid var(--tp-border);
        padding-left: 0.5rem;
        margin-left: 0;
      }
      .formatted [data-mx-spoiler] {
        background: var(--tp-fg);
      }
      .formatted [data-mx-spoiler]:hover,
      .formatted [data-mx-spoiler]:focus-within {
        background: none;
      }
      .formatted .mx-image {
        color: var(--tp-muted);
      }
      .formatted a {
        color: var(--tp-accent);
      }
      .seen {
        font-size: 0.75rem;
        color: var(--tp-muted);
        text-align: right;
        margin: 0;
      }
      .deleted,
      .state {
        color: var(--tp-muted);
        font-style: italic;
      }
      .state {
        font-size: 0.9rem;
        margin: 0;
      }
      .flag {
        display: inline-block;
        overflow-wrap: anywhere;
        font-size: 0.8rem;
        border: 1px solid var(--tp-danger);
        color: var(--tp-danger);
        border-radius: 0.25rem;
        padding: 0 0.3rem;
        margin-top: 0.1rem;
      }
      .actions {
        display: flex;
        gap: 0.3rem;
        margin-left: auto;
      }
      .actions button {
        min-height: 1.6rem;
        padding: 0 0.5rem;
        font-size: 0.85rem;
      }
    `,
  ];

  override render(): TemplateResult | typeof nothing {
    const item = this.item;
    if (!item) return nothing;
    if (item.stateKey !== undefined) {
      return html`<p class="state">
          ${item.redactedBy ? 'Message deleted' : describeStateEvent(item, this.previousMember)}
          <time datetime=${new Date(item.originServerTs).toISOString()} title=${formatFullTime(item.originServerTs)}
            >· ${formatTime(item.originServerTs)}</time
          >
        </p>
        ${this.renderFlags(item)} ${this.renderSeen()}`;
    }
    if (item.type === 'm.room.redaction') {
      // Shown only with the developer marks on: the node applied it to its target already.
      return html`<p class="state">
          ${senderLabel(item)} deleted an event${typeof item.content.redacts === 'string' ? ` (${item.content.redacts})` : ''}
        </p>
        ${this.renderFlags(item)}`;
    }
    return html`
      <div class="meta">
        <span class="sender" title=${item.sender}>${senderLabel(item)}</span>
        <time datetime=${new Date(item.originServerTs).toISOString()} title=${formatFullTime(item.originServerTs)}
          >${formatTime(item.originServerTs)}</time
        >
        ${item.editedBy && !item.redactedBy ? html`<span>(edited)</span>` : nothing}
        ${this.renderActions(item)}
      </div>
      ${this.renderBody(item)} ${this.renderFlags(item)}
      ${this.confirmingDelete ? this.renderConfirm() : nothing}
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
      ${this.renderSeen()}
    `;
  }

  private renderSeen(): TemplateResult | typeof nothing {
    const names = this.seenBy;
    return names && names.length > 0 ? html`<p class="seen">${seenByText(names)}</p>` : nothing;
  }

  private renderBody(item: TimelineItem): TemplateResult {
    if (item.redactedBy) return html`<p class="body deleted">Message deleted</p>`;
    const body = typeof item.content.body === 'string' ? item.content.body : '';
    if (item.type !== 'm.room.message') {
      return html`<p class="body deleted">${senderLabel(item)} sent an event (${item.type})</p>`;
    }
    const formatted = formattedBodyOf(item.content);
    // Only DOMPurify's output, with our per-tag rules, ever reaches unsafeHTML.
    const text = formatted === undefined ? body : unsafeHTML(sanitizeFormattedBody(formatted));
    const kind = formatted === undefined ? 'body' : 'body formatted';
    switch (item.content.msgtype) {
      case 'm.emote':
        return html`<div class="${kind} emote">* ${senderLabel(item)} ${text}</div>`;
      case 'm.notice':
        return html`<div class="${kind} notice">${text}</div>`;
      default:
        return html`<div class="${kind}">${text}</div>`;
    }
  }

  private renderFlags(item: TimelineItem): TemplateResult | typeof nothing {
    if (item.status === 'rejected') {
      return html`<span class="flag">Rejected${item.statusReason ? `: ${item.statusReason}` : ''}</span>`;
    }
    if (item.status === 'soft_failed') {
      return html`<span class="flag"
        >Soft-failed (not part of the room's state)${item.statusReason ? `: ${item.statusReason}` : ''}</span
      >`;
    }
    return nothing;
  }

  private renderActions(item: TimelineItem): TemplateResult | typeof nothing {
    if (item.redactedBy || item.type !== 'm.room.message') return nothing;
    return html`<span class="actions">
      ${
        isEditable(item, this.userId)
          ? html`<button type="button" aria-label="Edit message" @click=${this.edit}>Edit</button>`
          : nothing
      }
      <button
        type="button"
        aria-label="Delete message"
        @click=${() => {
          this.confirmingDelete = true;
        }}
      >
        Delete
      </button>
    </span>`;
  }

  private renderConfirm(): TemplateResult {
    return html`<div class="row" role="group" aria-label="Confirm deletion">
      <span>Delete this message for everyone?</span>
      <button type="button" class="danger" @click=${this.redact}>Yes, delete</button>
      <button
        type="button"
        @click=${() => {
          this.confirmingDelete = false;
        }}
      >
        Keep it
      </button>
    </div>`;
  }

  private edit(): void {
    this.dispatchEvent(
      new CustomEvent('tp-edit', { detail: this.item, bubbles: true, composed: true }),
    );
  }

  private async redact(): Promise<void> {
    const item = this.item;
    if (!item || !this.api) return;
    this.error = undefined;
    try {
      await this.api.redact(this.roomId, item.eventId);
      this.confirmingDelete = false;
    } catch (error) {
      this.error = `Could not delete: ${errorText(error)}`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-timeline-item': TimelineItemView;
  }
}
