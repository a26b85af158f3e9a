import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { GraphReads } from '../node/room-graph.js';
import { coalesce } from './coalesce.js';
import { BoxBatches } from './event-graph-boxes.js';
import { countText, layingOutText } from './event-graph-captions.js';
import { DragPan } from './event-graph-pan.js';
import { type Drawing, EventGraphReader } from './event-graph-reader.js';
import { EventSelection, jsonPanel } from './event-graph-selection.js';
import { eventGraphStyles } from './event-graph-styles.js';
import { graphSvg } from './event-graph-svg.js';
import { type NodeSession, SessionListener } from './node-session.js';
import './state-digest-badge.js';

/**
 * `<tp-event-graph>`: the room's event DAG as SVG, oldest at the top, laid out
 * by dagre (event-graph-layout.ts) in a worker of its own, so the page stays
 * responsive while a large room is laid out: forks side by side, merges where
 * branches meet, state events filled, rejected / soft-failed / outlier events
 * with a distinct outline and a word, heads marked. Each event is a focusable
 * button: click or Enter shows its JSON. Re-reads (coalesced) on changes to
 * the room; only the newest layout is drawn.
 *
 * This class wires the parts: reads and layouts (event-graph-reader.ts), boxes
 * a batch per frame (event-graph-boxes.ts), the SVG (event-graph-svg.ts), the
 * JSON panel (event-graph-selection.ts), panning (event-graph-pan.ts).
 */
@customElement('tp-event-graph')
export class EventGraph extends LitElement {
  readonly #loadSoon = coalesce(() => this.#reader.load());
  /** The running node: its API and change feed. */
  @property({ attribute: false }) session?: NodeSession;
  /** The room drawn. */
  @property() roomId = '';
  /** At most this many of the newest events are drawn. */
  @property({ type: Number }) limit = 500;

  @query('.scroller') private scroller?: HTMLElement;
  readonly #reader = new EventGraphReader(
    this,
    () => ({ api: this.api, roomId: this.roomId, limit: this.limit }),
    (graph) => {
      // Follow the newest events if the reader was looking at them.
      const s = this.scroller;
      if (s && s.scrollTop + s.clientHeight >= s.scrollHeight - 8) this.#scrollToEnd = true;
      this.#boxes.start(graph.nodes.length);
    },
  );
  readonly #boxes = new BoxBatches(this, () => this.#reader.drawing?.graph.nodes.length ?? 0);
  readonly #selection = new EventSelection(this, () => ({ api: this.api, roomId: this.roomId }));
  readonly #pan = new DragPan(() => this.scroller);
  #wasDisconnected = false;
  #scrollToEnd = false;

  constructor() {
    super();
    new SessionListener(
      this,
      () => this.session,
      (change) => {
        // A rejected or soft-failed arrival is announced only as a 'rooms' change.
        if (change.kind === 'rooms' || ('roomId' in change && change.roomId === this.roomId)) {
          void this.#loadSoon();
        }
      },
    );
  }

  static override styles = eventGraphStyles;

  // Until NodeApi declares the graph reads, the remote is narrowed here; both
  // are the same methods (see src/node/room-graph.ts GraphReads).
  private get api(): GraphReads | undefined {
    return this.session?.api;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Taken off the page and put back: the layout that ran was dropped.
    if (this.#wasDisconnected) {
      this.#wasDisconnected = false;
      void this.#reader.load();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#wasDisconnected = true;
    this.#reader.close();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('roomId') || changed.has('session') || changed.has('limit')) {
      // The old room's layout is not worth finishing.
      this.#reader.reset();
      this.#boxes.reset();
      this.#selection.clear();
      this.#scrollToEnd = true;
      void this.#reader.load();
    }
  }

  protected override updated(): void {
    // The newest events are at the bottom: show them first.
    if (this.#scrollToEnd && this.#reader.drawing && this.scroller) {
      this.#scrollToEnd = false;
      this.scroller.scrollTop = this.scroller.scrollHeight;
    }
  }

  override render(): TemplateResult {
    const { drawing, layingOut, error } = this.#reader;
    return html`
      <div class="row">
        <tp-state-digest-badge .session=${this.session} .roomId=${this.roomId}></tp-state-digest-badge>
      </div>
      <p class="legend muted">
        Oldest at the top; arrows run from each event's prev events to it. Filled: state event.
        Dashed outline: ✕ rejected; dotted: ⚠ soft-failed or ◌ outlier; thick: ▲ head.
      </p>
      ${error ? html`<p class="alert" role="alert">${error}</p>` : nothing}
      ${
        drawing
          ? this.renderGraph(drawing)
          : layingOut !== undefined
            ? html`<p class="muted" role="status">${layingOutText(layingOut)}</p>`
            : error
              ? nothing
              : html`<p class="muted" role="status">Reading the event graph…</p>`
      }
      ${jsonPanel(this.#selection.selected, this.closeJson)}
    `;
  }

  private renderGraph(drawing: Drawing): TemplateResult {
    return html`
      <p class="muted legend" role="status">
        ${countText(drawing.graph, this.#reader.layingOut)}
      </p>
      <div
        class="scroller"
        @pointerdown=${this.#pan.start}
        @pointermove=${this.#pan.move}
        @pointerup=${this.#pan.end}
        @pointercancel=${this.#pan.end}
      >
        ${graphSvg(drawing, {
          shown: this.#boxes.shown,
          selectedId: this.#selection.selected?.eventId,
          onSelect: (eventId) => void this.select(eventId),
        })}
      </div>
    `;
  }

  /** Shows `eventId`'s JSON (the node's stored PDU). */
  select(eventId: string): Promise<void> {
    return this.#selection.select(eventId);
  }

  private closeJson(): void {
    this.#selection.close();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-event-graph': EventGraph;
  }
}
