import { css, html, LitElement, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { StartError } from './app-shell.js';
import { sharedStyles } from './styles.js';
import './open-node-form.js';

/**
 * `<tp-start-error>`: why the node did not start, in words. A node that runs in
 * another tab (NodeLockedError) gets its own explanation and a way to open
 * another node here.
 */
@customElement('tp-start-error')
export class StartErrorPanel extends LitElement {
  /** The error main.ts reported. */
  @property({ attribute: false }) error?: StartError;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      section {
        border: 1px solid var(--tp-border);
        border-radius: 0.5rem;
        padding: 0 1rem 1rem;
      }
    `,
  ];

  override render(): TemplateResult {
    const error = this.error;
    if (error?.name === 'NodeLockedError') {
      return html`
        <section aria-labelledby="locked-title">
          <h2 id="locked-title">This node is open in another tab</h2>
          <p role="alert">
            A node runs in one tab at a time, so that two tabs never write its database at once.
            Switch to the tab where it runs, or close that tab and reload this one.
          </p>
          <p>
            To run a different node in this tab, add <code>?node=NAME</code> to the address, for
            example <a href="?node=second"><code>?node=second</code></a>. Each name is a separate
            node with its own identity and rooms.
          </p>
          <tp-open-node></tp-open-node>
        </section>
      `;
    }
    return html`
      <section aria-labelledby="error-title">
        <h2 id="error-title">The node could not start</h2>
        <p class="alert" role="alert">${error?.message || 'No reason was given.'}</p>
        <p>Reload the page to try again, or open another node.</p>
        <tp-open-node></tp-open-node>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-start-error': StartErrorPanel;
  }
}
