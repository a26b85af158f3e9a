import { css, html, LitElement, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/**
 * `<tidepool-app>`: the page shell. For now a placeholder that shows what the
 * core self-check found; the real UI (rooms, timeline, peers) comes later.
 * A thin view: it renders the data it is given and runs no protocol logic.
 */

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

@customElement('tidepool-app')
export class TidepoolApp extends LitElement {
  /** The self-check result; undefined while it is still running. */
  @property({ attribute: false }) selfCheck?: SelfCheckResult;

  static override styles = css`
    :host {
      display: block;
      box-sizing: border-box;
      max-width: 48rem;
      margin: 0 auto;
      padding: 1rem;
    }
    h1 {
      margin: 0 0 0.25rem;
    }
    section {
      border: 1px solid color-mix(in srgb, currentColor 25%, transparent);
      border-radius: 0.5rem;
      padding: 0 1rem 1rem;
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
      color: light-dark(#176a3a, #7fd1ae);
    }
    .fail,
    .error {
      color: light-dark(#a61b1b, #ff9b9b);
    }
    @media (min-width: 40rem) {
      dl {
        grid-template-columns: max-content minmax(0, 1fr);
      }
      dd {
        margin: 0;
      }
    }
  `;

  override render(): TemplateResult {
    return html`
      <header>
        <h1>Tidepool</h1>
        <p>
          A Matrix federation node that runs in this browser tab. The node is not built yet: for
          now this page checks the protocol core, here in your browser.
        </p>
      </header>
      <main>
        <section
          aria-labelledby="self-check-title"
          data-testid="self-check"
          data-status=${this.selfCheck?.status ?? 'running'}
        >
          <h2 id="self-check-title">Core self-check</h2>
          <p>
            Signs the specification's example JSON with its test key and compares the signature
            with the one the specification gives.
          </p>
          <div aria-live="polite">${this.renderResult()}</div>
        </section>
      </main>
    `;
  }

  private renderResult(): TemplateResult {
    const result = this.selfCheck;
    if (!result) return html`<p role="status">Checking…</p>`;
    if (result.status === 'error') {
      return html`<p class="error" role="alert">The self-check could not run: ${result.message}</p>`;
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
    'tidepool-app': TidepoolApp;
  }
}
