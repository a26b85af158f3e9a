import { css } from 'lit';

/**
 * Styles every component shares: the colour variables (light and dark, from
 * prefers-color-scheme), buttons, inputs, inline alerts and a visible focus ring.
 * The variables are set on `<tidepool-app>` and inherit into every shadow root.
 */
export const themeVariables = css`
  :host {
    --tp-bg: #ffffff;
    --tp-fg: #1b1d21;
    --tp-muted: #5b616b;
    --tp-surface: #f3f4f6;
    --tp-border: #d3d6db;
    --tp-accent: #1f5fbf;
    --tp-accent-fg: #ffffff;
    --tp-danger: #a61b1b;
    --tp-danger-bg: #fdecec;
    --tp-ok: #176a3a;
    --tp-focus: #1f5fbf;
    font-family: system-ui, sans-serif;
    color: var(--tp-fg);
    background: var(--tp-bg);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --tp-bg: #15171b;
      --tp-fg: #e7e9ed;
      --tp-muted: #a3a9b3;
      --tp-surface: #20242a;
      --tp-border: #3a3f47;
      --tp-accent: #7aa7ff;
      --tp-accent-fg: #0c1424;
      --tp-danger: #ff9b9b;
      --tp-danger-bg: #3a1d1d;
      --tp-ok: #7fd1ae;
      --tp-focus: #9cc0ff;
    }
  }
`;

/** Controls, alerts and focus, for every component's `static styles`. */
export const sharedStyles = css`
  :host {
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    border: 1px solid var(--tp-border);
    border-radius: 0.375rem;
    background: var(--tp-surface);
    padding: 0.3rem 0.7rem;
    min-height: 2rem;
  }
  button.primary {
    background: var(--tp-accent);
    color: var(--tp-accent-fg);
    border-color: var(--tp-accent);
  }
  button.danger {
    color: var(--tp-danger);
  }
  button.link {
    border: none;
    background: none;
    padding: 0.1rem 0.3rem;
    min-height: auto;
    color: var(--tp-accent);
    text-decoration: underline;
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  input,
  select,
  textarea {
    border: 1px solid var(--tp-border);
    border-radius: 0.375rem;
    background: var(--tp-bg);
    padding: 0.3rem 0.5rem;
    max-width: 100%;
  }
  :focus-visible {
    outline: 2px solid var(--tp-focus);
    outline-offset: 2px;
  }
  label {
    display: block;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 0.2rem;
    margin: 0 0 0.6rem;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
    align-items: center;
  }
  .alert {
    color: var(--tp-danger);
    background: var(--tp-danger-bg);
    border-radius: 0.375rem;
    padding: 0.3rem 0.6rem;
    margin: 0.3rem 0;
    overflow-wrap: anywhere;
  }
  .status {
    color: var(--tp-ok);
    margin: 0.3rem 0;
  }
  .muted {
    color: var(--tp-muted);
  }
  code,
  .id {
    overflow-wrap: anywhere;
    word-break: break-all;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
