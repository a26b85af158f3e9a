import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { JsonObject } from '../core/json.js';
import { sharedStyles } from './styles.js';
import './copy-button.js';

/**
 * `<tp-event-json-panel>`: one event's stored PDU, pretty-printed, as text (a
 * Lit text binding, never innerHTML: event content is whatever a remote server
 * sent). Fires `tp-close` when its Close button is pressed.
 */
@customElement('tp-event-json-panel')
export class EventJsonPanel extends LitElement {
  /** The event shown. */
  @property() eventId = '';
  /** Its PDU; undefined while loading or when the node does not have it (see `missing`). */
  @property({ attribute: false }) json?: JsonObject;
  /** True when the node answered that it does not have the event. */
  @property({ type: Boolean }) missing = false;
  /** A read error, in words. */
  @property() error = '';

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        border: 1px solid var(--tp-border);
        border-radius: 0.375rem;
        padding: 0.5rem;
        background: var(--tp-surface);
      }
      h3 {
        font-size: 0.9rem;
        margin: 0;
        flex: 1;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      pre {
        margin: 0.5rem 0 0;
        max-height: 50vh;
        overflow: auto;
        font-size: 0.8rem;
        background: var(--tp-bg);
        border-radius: 0.25rem;
        padding: 0.5rem;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
    `,
  ];

  override render(): TemplateResult {
    const text = this.json === undefined ? '' : JSON.stringify(this.json, null, 2);
    return html`<section aria-labelledby="json-title">
      <div class="row">
        <h3 id="json-title">Event ${this.eventId}</h3>
        ${text ? html`<tp-copy-button .value=${text} label="Copy event JSON"></tp-copy-button>` : nothing}
        <button type="button" aria-label="Close event JSON" @click=${this.close}>Close</button>
      </div>
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
      ${
        this.missing
          ? html`<p class="muted">This node does not have the event.</p>`
          : text
            ? html`<pre tabindex="0" aria-label="Event JSON" data-testid="event-json">${text}</pre>`
            : this.error
              ? nothing
              : html`<p class="muted">Reading the event…</p>`
      }
    </section>`;
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('tp-close', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-event-json-panel': EventJsonPanel;
  }
}
