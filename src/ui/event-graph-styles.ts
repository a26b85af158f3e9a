import { css } from 'lit';
import { sharedStyles } from './styles.js';

/**
 * `<tp-event-graph>`'s styles: the colours as custom properties (light and
 * dark), a scroller that pans, and each status drawn as its own outline, so
 * status is never told by colour alone.
 */
export const eventGraphStyles = [
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
