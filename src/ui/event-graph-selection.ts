/**
 * The event whose JSON is shown: selecting a box reads its stored PDU from
 * the node (a read answered after another box was selected is dropped), and
 * closing the panel returns focus to the box it was opened from.
 */
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { JsonObject } from '../core/json.js';
import type { GraphReads } from '../node/room-graph.js';
import { errorText } from './errors.js';
import './event-json-panel.js';

/** The selected event's JSON, as read. */
export interface SelectedEvent {
  eventId: string;
  json?: JsonObject;
  missing?: boolean;
  error?: string;
}

/** What the host gives: a render to ask for, and where its boxes are. */
export type SelectionHost = ReactiveControllerHost & { readonly renderRoot: ParentNode };

/** One view's selected event. */
export class EventSelection {
  #selected?: SelectedEvent;

  constructor(
    private readonly host: SelectionHost,
    /** The host's node API and room, now. */
    private readonly source: () => { api: GraphReads | undefined; roomId: string },
  ) {}

  get selected(): SelectedEvent | undefined {
    return this.#selected;
  }

  /** Shows `eventId`'s JSON (the node's stored PDU). */
  async select(eventId: string): Promise<void> {
    const { api, roomId } = this.source();
    if (!api) return;
    this.#set({ eventId });
    try {
      const json = await api.graphEvent(roomId, eventId);
      if (this.#selected?.eventId !== eventId) return;
      this.#set(json === undefined ? { eventId, missing: true } : { eventId, json });
    } catch (error) {
      if (this.#selected?.eventId === eventId) {
        this.#set({ eventId, error: `Could not read the event: ${errorText(error)}` });
      }
    }
  }

  /** Nothing selected (a new room); focus stays where it is. */
  clear(): void {
    this.#set(undefined);
  }

  /** Closes the panel, and focuses the event's box again once rendered without it. */
  close(): void {
    const eventId = this.#selected?.eventId;
    this.#set(undefined);
    // Back to the event the panel was opened from.
    if (eventId !== undefined) {
      void this.host.updateComplete.then(() =>
        this.host.renderRoot
          .querySelector<SVGGElement>(`g[data-event-id="${CSS.escape(eventId)}"]`)
          ?.focus(),
      );
    }
  }

  // A render only on a change, as a Lit @state property would.
  #set(selected: SelectedEvent | undefined): void {
    if (selected !== this.#selected) this.host.requestUpdate();
    this.#selected = selected;
  }
}

/** The JSON panel for `selected`; `onClose` when its Close is pressed (`tp-close`). */
export function jsonPanel(
  selected: SelectedEvent | undefined,
  onClose: () => void,
): TemplateResult | typeof nothing {
  return selected
    ? html`<tp-event-json-panel
        .eventId=${selected.eventId}
        .json=${selected.json}
        .missing=${selected.missing ?? false}
        .error=${selected.error ?? ''}
        @tp-close=${onClose}
      ></tp-event-json-panel>`
    : nothing;
}
