/**
 * The drawing as SVG: an arrow marker, an edge per prev event, and a box per
 * event. Each box is a focusable button (click, Enter or Space selects it) and
 * is placed by one transform inside a group moved by the drawing's shift
 * (event-graph-shift.ts), so a new layout that moves every box alike changes
 * only the group. Boxes and edges are keyed, so a sliding window removes one
 * and adds one.
 */
import { html, nothing, type SVGTemplateResult, svg, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { GraphNode } from '../node/room-graph.js';
import { NODE_HEIGHT, NODE_WIDTH, type Point } from './event-graph-geometry.js';
import { nodeAriaLabel, nodeLines } from './event-graph-labels.js';
import type { Drawing } from './event-graph-reader.js';

/** How the boxes are drawn: how many of the newest, which is selected, what a press does. */
export interface BoxOptions {
  /** Only the newest `shown` events get boxes (event-graph-boxes.ts). */
  shown: number;
  selectedId: string | undefined;
  onSelect: (eventId: string) => void;
}

/** `<svg>` of `drawing`, oldest at the top. */
export function graphSvg(
  { graph, layout, shift }: Drawing,
  { shown, selectedId, onSelect }: BoxOptions,
): TemplateResult {
  const heads = new Set(graph.heads);
  const dangling = new Set(layout.dangling);
  const count = graph.nodes.length;
  return html`<svg
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
      (e) => svg`<path class="edge" marker-end="url(#arrow)" d=${pathOf(e.points, shift)}></path>`,
    )}
    ${repeat(
      graph.nodes.slice(Math.max(0, count - shown)),
      (n) => n.eventId,
      (n) =>
        nodeBox(n, layout.positions.get(n.eventId), shift, {
          isHead: heads.has(n.eventId),
          isDangling: dangling.has(n.eventId),
          isSelected: selectedId === n.eventId,
          onSelect,
        }),
    )}
    </g>
  </svg>`;
}

/** What a box shows beyond its event. */
interface BoxMarks {
  isHead: boolean;
  /** It cites prev events older than the drawing: a short dashed line above it. */
  isDangling: boolean;
  isSelected: boolean;
  onSelect: (eventId: string) => void;
}

/** One event's box at `at` (its centre), or nothing if the layout has no place for it. */
function nodeBox(
  node: GraphNode,
  at: Point | undefined,
  shift: Point,
  { isHead, isDangling, isSelected, onSelect }: BoxMarks,
): SVGTemplateResult | typeof nothing {
  if (at === undefined) return nothing;
  const [line1, line2, line3] = nodeLines(node, isHead);
  // One transform per box: when a new layout moves every box, only it changes,
  // and the browser need not lay each box's text out again.
  const left = at.x - shift.x - NODE_WIDTH / 2;
  const top = at.y - shift.y - NODE_HEIGHT / 2;
  return svg`<g
    class=${nodeClasses(node, isHead, isSelected)}
    transform="translate(${left} ${top})"
    role="button"
    tabindex="0"
    data-event-id=${node.eventId}
    aria-label=${nodeAriaLabel(node, isHead)}
    aria-pressed=${isSelected ? 'true' : 'false'}
    @click=${() => onSelect(node.eventId)}
    @keydown=${(e: KeyboardEvent) => pressKey(e, node.eventId, onSelect)}
  >
    ${isDangling ? svg`<line class="dangling" x1=${NODE_WIDTH / 2} y1="-18" x2=${NODE_WIDTH / 2} y2="0"></line>` : nothing}
    <rect width=${NODE_WIDTH} height=${NODE_HEIGHT} rx="8" ry="8"></rect>
    <text x="8" y="15">${line1}</text>
    <text x="8" y="30">${line2}</text>
    ${line3 ? svg`<text class="mark" x="8" y="45">${line3}</text>` : nothing}
    <title>${node.eventId}</title>
  </g>`;
}

/** Enter or Space on a box selects it, as a button's would. */
function pressKey(
  event: KeyboardEvent,
  eventId: string,
  onSelect: (eventId: string) => void,
): void {
  if (event.key !== 'Enter' && event.key !== ' ') return;
  event.preventDefault();
  onSelect(eventId);
}

/** A box's classes: `node`, its status, and `state`, `head`, `selected` when they apply (styled in event-graph-styles.ts). */
export function nodeClasses(
  node: Pick<GraphNode, 'status' | 'isState'>,
  isHead: boolean,
  isSelected: boolean,
): string {
  return [
    'node',
    node.status,
    node.isState ? 'state' : '',
    isHead ? 'head' : '',
    isSelected ? 'selected' : '',
  ].join(' ');
}

/** An SVG path through `points`, less `shift`. */
export function pathOf(points: readonly Point[], shift: Point): string {
  return points
    .map(
      (p, i) =>
        `${i === 0 ? 'M' : 'L'} ${(p.x - shift.x).toFixed(1)} ${(p.y - shift.y).toFixed(1)}`,
    )
    .join(' ');
}
