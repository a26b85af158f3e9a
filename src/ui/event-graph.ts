import {
  css,
  html,
  LitElement,
  nothing,
  type PropertyValues,
  type SVGTemplateResult,
  svg,
  type TemplateResult,
} from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { JsonObject } from '../core/json.js';
import type { GraphNode, GraphReads, RoomGraph } from '../node/room-graph.js';
import { coalesce } from './coalesce.js';
import { errorText } from './errors.js';
import { nodeAriaLabel, nodeLines } from './event-graph-labels.js';
import {
  type GraphLayout,
  layoutGraph,
  NODE_HEIGHT,
  NODE_WIDTH,
  type Point,
} from './event-graph-layout.js';
import { type NodeSession, SessionListener } from './node-session.js';
import { sharedStyles } from './styles.js';
import './event-json-panel.js';
import './state-digest-badge.js';

/** The selected event's JSON, as read. */
interface Selection {
  eventId: string;
  json?: JsonObject;
  missing?: boolean;
  error?: string;
}

/**
 * `<tp-event-graph>`: the room's event DAG as SVG, oldest at the top, laid out
 * by dagre (event-graph-layout.ts): forks side by side, merges where branches
 * meet, state events filled, rejected / soft-failed / outlier events with a
 * distinct outline and a word, heads marked. Each event is a focusable button:
 * click or Enter shows its JSON. Re-reads (coalesced) on changes to the room.
 */
@customElement('tp-event-graph')
export class EventGraph extends LitElement {
  readonly #loadSoon = coalesce(() => this.load());
  /** The running node: its API and change feed. */
  @property({ attribute: false }) session?: NodeSession;
  /** The room drawn. */
  @property() roomId = '';
  /** At most this many of the newest events are drawn. */
  @property({ type: Number }) limit = 500;

  @state() private graph?: RoomGraph;
  @state() private layout?: GraphLayout;
  @state() private error?: string;
  @state() private selected?: Selection;
  @query('.scroller') private scroller?: HTMLElement;
  #reading = 0;
  #layoutKey = '';
  #scrollToEnd = false;
  #drag?: { x: number; y: number; left: number; top: number };

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

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
        min-width: 0;
        /* Fallbacks keep the drawing legible outside <tidepool-app> too. */
        --graph-fg: var(--tp-fg, #1b1d21);
        --graph-box: var(--tp-bg, #ffffff);
        --graph-state: #fff1c7;
        --graph-edge: var(--tp-muted, #5b616b);
        --graph-bad: var(--tp-danger, #a61b1b);
        --graph-focus: var(--tp-focus, #1f5fbf);
      }
      @media (prefers-color-scheme: dark) {
        :host {
          --graph-fg: var(--tp-fg, #e7e9ed);
          --graph-box: var(--tp-bg, #15171b);
          --graph-state: #3d3418;
          --graph-edge: var(--tp-muted, #a3a9b3);
          --graph-bad: var(--tp-danger, #ff9b9b);
          --graph-focus: var(--tp-focus, #9cc0ff);
        }
      }
      .scroller {
        overflow: auto;
        max-height: 70vh;
        max-width: 100%;
        border: 1px solid var(--tp-border, #d3d6db);
        border-radius: 0.375rem;
        cursor: grab;
        touch-action: pan-x pan-y;
      }
      .scroller.dragging {
        cursor: grabbing;
      }
      svg {
        display: block;
      }
      .legend {
        font-size: 0.8rem;
        margin: 0;
      }
      .node {
        cursor: pointer;
      }
      .node rect {
        fill: var(--graph-box);
        stroke: var(--graph-fg);
        stroke-width: 1;
      }
      .node.state rect {
        fill: var(--graph-state);
      }
      .node.rejected rect {
        stroke: var(--graph-bad);
        stroke-width: 2;
        stroke-dasharray: 6 3;
      }
      .node.soft_failed rect {
        stroke: var(--graph-bad);
        stroke-width: 2;
        stroke-dasharray: 2 2;
      }
      .node.outlier rect {
        stroke: var(--graph-edge);
        stroke-dasharray: 1 3;
      }
      .node.head rect {
        stroke-width: 3;
      }
      .node.selected rect,
      .node:focus-visible rect {
        stroke: var(--graph-focus);
        stroke-width: 4;
      }
      .node:focus {
        outline: none;
      }
      text {
        fill: var(--graph-fg);
        font-size: 10.5px;
        pointer-events: none;
      }
      text.mark {
        font-weight: 600;
      }
      path.edge,
      line.dangling {
        fill: none;
        stroke: var(--graph-edge);
        stroke-width: 1.5;
      }
      line.dangling {
        stroke-dasharray: 3 3;
      }
      marker path {
        fill: var(--graph-edge);
      }
    `,
  ];

  // Until NodeApi declares the graph reads, the remote is narrowed here; both
  // are the same methods (see src/node/room-graph.ts GraphReads).
  private get api(): GraphReads | undefined {
    return this.session?.api;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('roomId') || changed.has('session') || changed.has('limit')) {
      this.graph = undefined;
      this.layout = undefined;
      this.selected = undefined;
      this.#layoutKey = '';
      this.#scrollToEnd = true;
      void this.load();
    }
  }

  protected override updated(): void {
    // The newest events are at the bottom: show them first.
    if (this.#scrollToEnd && this.layout && this.scroller) {
      this.#scrollToEnd = false;
      this.scroller.scrollTop = this.scroller.scrollHeight;
    }
  }

  private async load(): Promise<void> {
    const { api, roomId } = this;
    if (!api || !roomId) return;
    const reading = ++this.#reading;
    try {
      const graph = await api.roomGraph(roomId, { limit: this.limit });
      if (reading !== this.#reading) return;
      // Laying out is the costly part: only when the drawing would change.
      const key = JSON.stringify([graph.heads, graph.nodes.map((n) => [n.eventId, n.status])]);
      if (key !== this.#layoutKey) {
        // Follow the newest events if the reader was looking at them.
        const s = this.scroller;
        if (s && s.scrollTop + s.clientHeight >= s.scrollHeight - 8) this.#scrollToEnd = true;
        this.layout = layoutGraph(graph.nodes);
        this.#layoutKey = key;
      }
      this.graph = graph;
      this.error = undefined;
    } catch (error) {
      if (reading === this.#reading)
        this.error = `Could not read the event graph: ${errorText(error)}`;
    }
  }

  override render(): TemplateResult {
    const { graph, layout } = this;
    return html`
      <div class="row">
        <tp-state-digest-badge .session=${this.session} .roomId=${this.roomId}></tp-state-digest-badge>
      </div>
      <p class="legend muted">
        Oldest at the top; arrows run from each event's prev events to it. Filled: state event.
        Dashed outline: ✕ rejected; dotted: ⚠ soft-failed or ◌ outlier; thick: ▲ head.
      </p>
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
      ${
        graph && layout
          ? this.renderGraph(graph, layout)
          : this.error
            ? nothing
            : html`<p class="muted">Reading the event graph…</p>`
      }
      ${
        this.selected
          ? html`<tp-event-json-panel
              .eventId=${this.selected.eventId}
              .json=${this.selected.json}
              .missing=${this.selected.missing ?? false}
              .error=${this.selected.error ?? ''}
              @tp-close=${this.closeJson}
            ></tp-event-json-panel>`
          : nothing
      }
    `;
  }

  private renderGraph(graph: RoomGraph, layout: GraphLayout): TemplateResult {
    const heads = new Set(graph.heads);
    const dangling = new Set(layout.dangling);
    const count = graph.nodes.length;
    return html`
      <p class="muted legend" role="status">
        ${count} event${count === 1 ? '' : 's'}, ${graph.heads.length} head${graph.heads.length === 1 ? '' : 's'}${graph.truncated ? ` (the newest ${count}; older ones are not drawn)` : ''}
      </p>
      <div
        class="scroller"
        @pointerdown=${this.dragStart}
        @pointermove=${this.dragMove}
        @pointerup=${this.dragEnd}
        @pointercancel=${this.dragEnd}
      >
        <svg
          role="group"
          aria-label="Event graph, oldest at the top"
          width=${layout.width}
          height=${layout.height}
          viewBox="0 0 ${layout.width} ${layout.height}"
        >
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z"></path>
            </marker>
          </defs>
          ${layout.edges.map((e) => svg`<path class="edge" marker-end="url(#arrow)" d=${pathOf(e.points)}></path>`)}
          ${graph.nodes.map((n) => this.renderNode(n, layout.positions.get(n.eventId), heads.has(n.eventId), dangling.has(n.eventId)))}
        </svg>
      </div>
    `;
  }

  private renderNode(
    node: GraphNode,
    at: Point | undefined,
    isHead: boolean,
    isDangling: boolean,
  ): SVGTemplateResult | typeof nothing {
    if (at === undefined) return nothing;
    const [line1, line2, line3] = nodeLines(node, isHead);
    const classes = [
      'node',
      node.status,
      node.isState ? 'state' : '',
      isHead ? 'head' : '',
      this.selected?.eventId === node.eventId ? 'selected' : '',
    ].join(' ');
    const left = at.x - NODE_WIDTH / 2;
    const top = at.y - NODE_HEIGHT / 2;
    return svg`<g
      class=${classes}
      role="button"
      tabindex="0"
      data-event-id=${node.eventId}
      aria-label=${nodeAriaLabel(node, isHead)}
      aria-pressed=${this.selected?.eventId === node.eventId ? 'true' : 'false'}
      @click=${() => this.select(node.eventId)}
      @keydown=${(e: KeyboardEvent) => this.keydown(e, node.eventId)}
    >
      ${isDangling ? svg`<line class="dangling" x1=${at.x} y1=${top - 18} x2=${at.x} y2=${top}></line>` : nothing}
      <rect x=${left} y=${top} width=${NODE_WIDTH} height=${NODE_HEIGHT} rx="8" ry="8"></rect>
      <text x=${left + 8} y=${top + 15}>${line1}</text>
      <text x=${left + 8} y=${top + 30}>${line2}</text>
      ${line3 ? svg`<text class="mark" x=${left + 8} y=${top + 45}>${line3}</text>` : nothing}
      <title>${node.eventId}</title>
    </g>`;
  }

  private keydown(event: KeyboardEvent, eventId: string): void {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    void this.select(eventId);
  }

  /** Shows `eventId`'s JSON (the node's stored PDU). */
  async select(eventId: string): Promise<void> {
    const { api, roomId } = this;
    if (!api) return;
    this.selected = { eventId };
    try {
      const json = await api.graphEvent(roomId, eventId);
      if (this.selected?.eventId !== eventId) return;
      this.selected = json === undefined ? { eventId, missing: true } : { eventId, json };
    } catch (error) {
      if (this.selected?.eventId === eventId) {
        this.selected = { eventId, error: `Could not read the event: ${errorText(error)}` };
      }
    }
  }

  private closeJson(): void {
    const eventId = this.selected?.eventId;
    this.selected = undefined;
    // Back to the event the panel was opened from.
    if (eventId !== undefined) {
      void this.updateComplete.then(() =>
        this.renderRoot
          .querySelector<SVGGElement>(`g[data-event-id="${CSS.escape(eventId)}"]`)
          ?.focus(),
      );
    }
  }

  // Drag the background to pan; scrolling (wheel, touch, keyboard) pans too.
  private dragStart(event: PointerEvent): void {
    const scroller = this.scroller;
    if (!scroller || event.pointerType !== 'mouse' || (event.target as Element).closest('.node'))
      return;
    this.#drag = {
      x: event.clientX,
      y: event.clientY,
      left: scroller.scrollLeft,
      top: scroller.scrollTop,
    };
    scroller.setPointerCapture(event.pointerId);
    scroller.classList.add('dragging');
  }

  private dragMove(event: PointerEvent): void {
    const { scroller } = this;
    if (!this.#drag || !scroller) return;
    scroller.scrollLeft = this.#drag.left - (event.clientX - this.#drag.x);
    scroller.scrollTop = this.#drag.top - (event.clientY - this.#drag.y);
  }

  private dragEnd(event: PointerEvent): void {
    if (!this.#drag) return;
    this.#drag = undefined;
    this.scroller?.releasePointerCapture(event.pointerId);
    this.scroller?.classList.remove('dragging');
  }
}

/** An SVG path through `points`. */
function pathOf(points: readonly Point[]): string {
  return points
    .map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`)
    .join(' ');
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-event-graph': EventGraph;
  }
}
