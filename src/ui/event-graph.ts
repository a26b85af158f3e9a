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
import { repeat } from 'lit/directives/repeat.js';
import type { JsonObject } from '../core/json.js';
import type { GraphNode, GraphReads, RoomGraph } from '../node/room-graph.js';
import { coalesce } from './coalesce.js';
import { errorText } from './errors.js';
import {
  boundNodes,
  type GraphLayout,
  LAYOUT_NODES_PER_LIMIT,
  NODE_HEIGHT,
  NODE_WIDTH,
  type Point,
} from './event-graph-geometry.js';
import { nodeAriaLabel, nodeLines } from './event-graph-labels.js';
import { workerLayoutBackend } from './event-graph-layout-client.js';
import { LayoutRunner } from './event-graph-layout-runner.js';
import { stableShift } from './event-graph-shift.js';
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
 * Event boxes first created per frame, so a new view does not create all of
 * a 500-event room's boxes (some 3,000 SVG elements) in one task.
 */
const BOXES_PER_FRAME = 50;

/** A graph as read, its layout, and how far the boxes' group is moved (event-graph-shift.ts). */
interface Drawing {
  graph: RoomGraph;
  layout: GraphLayout;
  shift: Point;
}

/**
 * `<tp-event-graph>`: the room's event DAG as SVG, oldest at the top, laid out
 * by dagre (event-graph-layout.ts) in a worker of its own, so the page stays
 * responsive while a large room is laid out: forks side by side, merges where
 * branches meet, state events filled, rejected / soft-failed / outlier events
 * with a distinct outline and a word, heads marked. Each event is a focusable
 * button: click or Enter shows its JSON. Re-reads (coalesced) on changes to
 * the room; only the newest layout is drawn.
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

  /** What is drawn: a graph and its layout, always from the same read. */
  @state() private drawing?: Drawing;
  /** The number of events being laid out now, if a layout runs. */
  @state() private layingOut?: number;
  /** How many of the newest events have boxes yet (see BOXES_PER_FRAME). */
  @state() private boxes = 0;
  #growing = false;
  @state() private error?: string;
  @state() private selected?: Selection;
  @query('.scroller') private scroller?: HTMLElement;
  #reading = 0;
  /** What the newest layout asked for is of: the room, its events, their statuses, the heads. */
  #layoutKey = '';
  /** The newest graph read, with its key: a layout finishing draws it if the keys match. */
  #latest?: { key: string; graph: RoomGraph };
  /** The key of what is drawn. */
  #drawnKey = '';
  readonly #layouts = new LayoutRunner(workerLayoutBackend);
  #wasDisconnected = false;
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

  override connectedCallback(): void {
    super.connectedCallback();
    // Taken off the page and put back: the layout that ran was dropped.
    if (this.#wasDisconnected) {
      this.#wasDisconnected = false;
      void this.load();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#wasDisconnected = true;
    this.#layouts.close();
    this.#layoutKey = '';
    this.layingOut = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('roomId') || changed.has('session') || changed.has('limit')) {
      // The old room's layout is not worth finishing.
      this.#layouts.cancel();
      this.drawing = undefined;
      this.boxes = 0;
      this.#drawnKey = '';
      this.layingOut = undefined;
      this.selected = undefined;
      this.#layoutKey = '';
      this.#latest = undefined;
      this.#scrollToEnd = true;
      void this.load();
    }
  }

  protected override updated(): void {
    // More boxes next frame, newest first: the view opens at the bottom.
    const total = this.drawing?.graph.nodes.length ?? 0;
    if (this.boxes < total && !this.#growing) {
      this.#growing = true;
      requestAnimationFrame(() => {
        this.#growing = false;
        this.boxes = Math.min(this.boxes + BOXES_PER_FRAME, this.drawing?.graph.nodes.length ?? 0);
      });
    }
    // The newest events are at the bottom: show them first.
    if (this.#scrollToEnd && this.drawing && this.scroller) {
      this.#scrollToEnd = false;
      this.scroller.scrollTop = this.scroller.scrollHeight;
    }
  }

  private async load(): Promise<void> {
    const { api, roomId } = this;
    if (!api || !roomId) return;
    const reading = ++this.#reading;
    try {
      const read = await api.roomGraph(roomId, { limit: this.limit });
      if (reading !== this.#reading || roomId !== this.roomId) return;
      // The layout's cost grows with the events drawn: bounded whatever the node adds.
      const nodes = boundNodes(read.nodes, LAYOUT_NODES_PER_LIMIT * this.limit);
      const graph = {
        ...read,
        nodes,
        truncated: read.truncated || nodes.length < read.nodes.length,
      };
      // Laying out is the costly part: only when the drawing would change.
      const key = JSON.stringify([
        roomId,
        graph.heads,
        graph.nodes.map((n) => [n.eventId, n.status]),
      ]);
      this.#latest = { key, graph };
      this.error = undefined;
      if (key === this.#layoutKey) {
        // Same drawing, fresher words (reasons); or the layout for it is still running.
        if (this.drawing && this.#drawnKey === key) {
          this.drawing = { ...this.drawing, graph };
        }
      } else {
        this.#layoutKey = key;
        void this.#lay(key, graph);
      }
    } catch (error) {
      if (reading === this.#reading)
        this.error = `Could not read the event graph: ${errorText(error)}`;
    }
  }

  /** Lays `graph` out in the worker; drawn only if no newer graph was asked for meanwhile. */
  async #lay(key: string, graph: RoomGraph): Promise<void> {
    this.layingOut = graph.nodes.length;
    try {
      const layout = await this.#layouts.run(graph.nodes);
      // Stale: a newer layout was asked for (it will be drawn), or the room changed.
      if (layout === undefined || key !== this.#layoutKey) return;
      // Follow the newest events if the reader was looking at them.
      const s = this.scroller;
      if (s && s.scrollTop + s.clientHeight >= s.scrollHeight - 8) this.#scrollToEnd = true;
      const latest = this.#latest?.key === key ? this.#latest.graph : graph;
      this.drawing = { graph: latest, layout, shift: stableShift(this.drawing, layout) };
      this.#drawnKey = key;
      if (this.boxes === 0) this.boxes = Math.min(BOXES_PER_FRAME, latest.nodes.length);
      this.layingOut = undefined;
    } catch (error) {
      if (key !== this.#layoutKey) return;
      this.layingOut = undefined;
      // Asked again on the next change; the error says why nothing new is drawn.
      this.#layoutKey = '';
      this.error = `Could not lay out the event graph: ${errorText(error)}`;
    }
  }

  override render(): TemplateResult {
    const { drawing, layingOut } = this;
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
        drawing
          ? this.renderGraph(drawing)
          : layingOut !== undefined
            ? html`<p class="muted" role="status">${layingOutText(layingOut)}</p>`
            : this.error
              ? nothing
              : html`<p class="muted" role="status">Reading the event graph…</p>`
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

  private renderGraph({ graph, layout, shift }: Drawing): TemplateResult {
    const heads = new Set(graph.heads);
    const dangling = new Set(layout.dangling);
    const count = graph.nodes.length;
    return html`
      <p class="muted legend" role="status">
        ${count} event${count === 1 ? '' : 's'}, ${graph.heads.length} head${graph.heads.length === 1 ? '' : 's'}${graph.truncated ? ` (the newest ${count}; older ones are not drawn)` : ''}${this.layingOut === undefined ? '' : `. ${layingOutText(this.layingOut)}`}
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
          <g transform="translate(${shift.x} ${shift.y})">
          ${repeat(
            layout.edges,
            (e) => `${e.from} ${e.to}`,
            (e) =>
              svg`<path class="edge" marker-end="url(#arrow)" d=${pathOf(e.points, shift)}></path>`,
          )}
          ${repeat(
            graph.nodes.slice(Math.max(0, count - this.boxes)),
            (n) => n.eventId,
            (n) =>
              this.renderNode(
                n,
                layout.positions.get(n.eventId),
                heads.has(n.eventId),
                dangling.has(n.eventId),
                shift,
              ),
          )}
          </g>
        </svg>
      </div>
    `;
  }

  private renderNode(
    node: GraphNode,
    at: Point | undefined,
    isHead: boolean,
    isDangling: boolean,
    shift: Point,
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
    // One transform per box: when a new layout moves every box, only it changes,
    // and the browser need not lay each box's text out again.
    const left = at.x - shift.x - NODE_WIDTH / 2;
    const top = at.y - shift.y - NODE_HEIGHT / 2;
    return svg`<g
      class=${classes}
      transform="translate(${left} ${top})"
      role="button"
      tabindex="0"
      data-event-id=${node.eventId}
      aria-label=${nodeAriaLabel(node, isHead)}
      aria-pressed=${this.selected?.eventId === node.eventId ? 'true' : 'false'}
      @click=${() => this.select(node.eventId)}
      @keydown=${(e: KeyboardEvent) => this.keydown(e, node.eventId)}
    >
      ${isDangling ? svg`<line class="dangling" x1=${NODE_WIDTH / 2} y1="-18" x2=${NODE_WIDTH / 2} y2="0"></line>` : nothing}
      <rect width=${NODE_WIDTH} height=${NODE_HEIGHT} rx="8" ry="8"></rect>
      <text x="8" y="15">${line1}</text>
      <text x="8" y="30">${line2}</text>
      ${line3 ? svg`<text class="mark" x="8" y="45">${line3}</text>` : nothing}
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

/** "Laying out 500 events…". */
function layingOutText(count: number): string {
  return `Laying out ${count} event${count === 1 ? '' : 's'}…`;
}

/** An SVG path through `points`, less `shift`. */
function pathOf(points: readonly Point[], shift: Point): string {
  return points
    .map(
      (p, i) =>
        `${i === 0 ? 'M' : 'L'} ${(p.x - shift.x).toFixed(1)} ${(p.y - shift.y).toFixed(1)}`,
    )
    .join(' ');
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-event-graph': EventGraph;
  }
}
