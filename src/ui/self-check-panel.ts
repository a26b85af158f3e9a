import { css, html, LitElement, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { sharedStyles } from './styles.js';

/** What the core self-check found, as plain data. */
export type SelfCheckResult =
  | {
      /** `pass` when the canonical JSON and the signature equal the spec's. */
      status: 'pass' | 'fail';
      /** Canonical JSON of the spec's example object. */
      canonical: string;
      /** The signature computed in this page (unpadded base64). */
      signature: string;
      /** The signature the specification gives. */
      expectedSignature: string;
      /** Whether this browser's WebCrypto implements Ed25519. */
      webCryptoEd25519: boolean;
    }
  | {
      status: 'error';
      /** What went wrong, in words. */
      message: string;
    };

/**
 * `<tp-self-check>`: what the core self-check found (the spec's example JSON
 * signed in this page). Shown under "Diagnostics" in the shell.
 */
@customElement('tp-self-check')
export class SelfCheckPanel extends LitElement {
  /** The self-check result; undefined while it is still running. */
  @property({ attribute: false }) result?: SelfCheckResult;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      dl {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 0.25rem 1rem;
      }
      dt {
        font-weight: 600;
      }
      dd {
        margin: 0 0 0.5rem;
      }
      code {
        overflow-wrap: anywhere;
      }
      .pass {
        color: var(--tp-ok);
      }
      .fail {
        color: var(--tp-danger);
      }
      @media (min-width: 40rem) {
        dl {
          grid-template-columns: max-content minmax(0, 1fr);
        }
        dd {
          margin: 0;
        }
      }
    `,
  ];

  override render(): TemplateResult {
    return html`
      <section
        aria-labelledby="self-check-title"
        data-testid="self-check"
        data-status=${this.result?.status ?? 'running'}
      >
        <h2 id="self-check-title">Core self-check</h2>
        <p>
          Signs the specification's example JSON with its test key and compares the signature
          with the one the specification gives.
        </p>
        <div aria-live="polite">${this.renderResult()}</div>
      </section>
    `;
  }

  private renderResult(): TemplateResult {
    const result = this.result;
    if (!result) return html`<p role="status">Checking…</p>`;
    if (result.status === 'error') {
      return html`<p class="alert" role="alert">The self-check could not run: ${result.message}</p>`;
    }
    const verdict =
      result.status === 'pass'
        ? html`<p class="pass" role="status">Passed: the signature matches the specification.</p>`
        : html`<p class="fail" role="alert">Failed: the signature differs from the specification.</p>`;
    return html`
      ${verdict}
      <dl>
        <dt>Canonical JSON</dt>
        <dd><code data-testid="self-check-canonical">${result.canonical}</code></dd>
        <dt>Signature by <code>domain</code>, key <code>ed25519:1</code></dt>
        <dd><code data-testid="self-check-signature">${result.signature}</code></dd>
        <dt>Expected signature</dt>
        <dd><code>${result.expectedSignature}</code></dd>
        <dt>WebCrypto Ed25519</dt>
        <dd data-testid="self-check-webcrypto">
          ${
            result.webCryptoEd25519
              ? 'Available: signing and verifying use the browser.'
              : 'Not available: signing and verifying use the pure-JavaScript fallback.'
          }
        </dd>
      </dl>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-self-check': SelfCheckPanel;
  }
}
