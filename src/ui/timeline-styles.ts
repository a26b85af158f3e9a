import { css } from 'lit';
import { sharedStyles } from './styles.js';

/** `<tp-timeline>`'s styles: a scroller over the window's items, a pill, a typing line. */
export const timelineStyles = [
  sharedStyles,
  css`
    :host {
      display: grid;
      grid-template-rows: auto minmax(0, 1fr) auto;
      position: relative;
      min-height: 0;
    }
    .scroller {
      overflow-y: auto;
      overflow-x: hidden;
      min-height: 0;
      /* Our own code keeps the view over a change (timeline-anchor.ts); the browser keeps it
         as items above it first render and take their real height (content-visibility). */
      overflow-anchor: auto;
    }
    .scroller:focus-visible {
      outline: 2px solid var(--tp-focus);
      outline-offset: -2px;
    }
    /* One height whatever it says, so items below never move when it changes. */
    .top {
      display: flex;
      justify-content: center;
      align-items: center;
      height: 3rem;
      padding: 0 0.5rem;
      box-sizing: border-box;
      overflow: hidden;
    }
    .top p {
      margin: 0;
    }
    /* Normal flow: a change is measured before and after, so a prepend keeps the view exactly. */
    .list {
      display: block;
      padding-bottom: 0.5rem;
    }
    /* Items off screen skip style and layout until they come near it (a fast scroll passes
       most of them by); until then they count as 3rem, then as their last rendered height. */
    .list > tp-timeline-item {
      content-visibility: auto;
      contain-intrinsic-size: auto 3rem;
    }
    tp-timeline-item:focus-visible {
      outline: 2px solid var(--tp-focus);
      outline-offset: -2px;
    }
    .pill {
      position: absolute;
      bottom: 2.2rem;
      left: 50%;
      transform: translateX(-50%);
      border-radius: 1rem;
      background: var(--tp-accent);
      color: var(--tp-accent-fg);
      border-color: var(--tp-accent);
      box-shadow: 0 1px 4px rgb(0 0 0 / 25%);
    }
    .typing {
      margin: 0;
      padding: 0 0.75rem;
      min-height: 1.4rem;
      font-size: 0.85rem;
      color: var(--tp-muted);
      font-style: italic;
    }
    .alert,
    .muted {
      margin: 0.5rem 0.75rem;
    }
  `,
];
