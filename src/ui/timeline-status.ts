import { html, nothing, type TemplateResult } from 'lit';
import { unseenLabel } from './timeline-arrivals.js';

/**
 * The timeline's lines and buttons around its items: what is above the oldest
 * item held (a read under way, a way to read more, or the start of the room),
 * below the newest when newer ones were dropped, and the "new messages" button.
 */

/** What the line above the items tells. */
export interface TopStatus {
  /** The first page has been read. */
  loaded: boolean;
  /** Other servers are being asked for older events. */
  backfilling: boolean;
  /** Older items are being read locally. */
  loadingOlder: boolean;
  /** The node holds older items than the window. */
  hasOlder: boolean;
  /** The room has nothing older (known, or the oldest item held is its creation). */
  atStart: boolean;
  /** Other servers can be asked for older events. */
  canBackfill: boolean;
}

/** What the top line's buttons do. */
export interface TopActions {
  loadOlder: () => void;
  backfill: () => void;
}

export function renderTop(status: TopStatus, actions: TopActions): TemplateResult {
  if (!status.loaded) return html`<p class="muted" role="status">Reading the timeline…</p>`;
  if (status.backfilling) {
    return html`<p class="muted" role="status">Loading older messages from other servers…</p>`;
  }
  if (status.loadingOlder) {
    return html`<p class="muted" role="status">Loading older messages…</p>`;
  }
  if (status.hasOlder) {
    return html`<button type="button" @click=${actions.loadOlder}>Load older</button>`;
  }
  if (status.atStart) return html`<p class="muted">This is the start of the room</p>`;
  if (!status.canBackfill) return html`<p class="muted">No older messages on this node</p>`;
  return html`<button type="button" @click=${actions.backfill}>Load older from other servers</button>`;
}

/** Below the items while the newest ones are not held (they are read as the view nears them). */
export function renderNewer(live: boolean): TemplateResult | typeof nothing {
  return live
    ? nothing
    : html`<div class="top"><p class="muted" role="status">Loading newer messages…</p></div>`;
}

/** The button back to the newest, while some arrived unseen. */
export function renderUnseen(
  unseen: number,
  jumpToNewest: () => void,
): TemplateResult | typeof nothing {
  return unseen > 0
    ? html`<button type="button" class="pill" @click=${jumpToNewest}>
              ${unseenLabel(unseen)} ↓
            </button>`
    : nothing;
}
