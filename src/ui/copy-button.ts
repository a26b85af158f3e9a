import { html, LitElement, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { sharedStyles } from './styles.js';

/** `<tp-copy-button>`: copies a value to the clipboard and says so. */
@customElement('tp-copy-button')
export class CopyButton extends LitElement {
  /** The text to copy. */
  @property() value = '';
  /** What is copied, for the button's accessible name ("Copy user ID"). */
  @property() label = 'Copy';
  /** The button's visible text. */
  @property() text = 'Copy';

  @state() private outcome?: 'copied' | 'failed';

  static override styles = sharedStyles;

  override render(): TemplateResult {
    return html`
      <button type="button" aria-label=${this.label} @click=${this.copy}>${this.text}</button>
      <span role="status" class=${this.outcome === 'failed' ? 'alert' : 'muted'}>
        ${this.outcome === 'copied' ? 'Copied' : this.outcome === 'failed' ? 'Could not copy: select the text instead' : ''}
      </span>
    `;
  }

  private async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.value);
      this.outcome = 'copied';
    } catch {
      this.outcome = 'failed';
    }
    setTimeout(() => {
      this.outcome = undefined;
    }, 3000);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-copy-button': CopyButton;
  }
}
