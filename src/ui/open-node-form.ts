import { html, LitElement, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { listNodes } from './node-client.js';
import { nodeNameProblem, nodeUrl } from './node-name.js';
import { sharedStyles } from './styles.js';

/**
 * `<tp-open-node>`: open another node of this browser in this tab
 * (`?node=NAME`): the known nodes as links, and a name field for a new one.
 */
@customElement('tp-open-node')
export class OpenNodeForm extends LitElement {
  @state() private nodes: { name: string; serverName: string }[] = [];
  @state() private error?: string;

  static override styles = sharedStyles;

  override connectedCallback(): void {
    super.connectedCallback();
    listNodes().then(
      (nodes) => {
        this.nodes = nodes;
      },
      () => undefined,
    );
  }

  override render(): TemplateResult {
    return html`
      ${
        this.nodes.length
          ? html`<p>Nodes in this browser:</p>
              <ul>
                ${this.nodes.map(
                  (node) =>
                    html`<li><a href=${nodeUrl(node.name)}>${node.name}</a>
                      <span class="muted id">${node.serverName}</span></li>`,
                )}
              </ul>`
          : ''
      }
      <form @submit=${this.open}>
        <div class="field">
          <label for="node-name">Node name</label>
          <div class="row">
            <input id="node-name" name="node" autocomplete="off" placeholder="second" />
            <button type="submit">Open node</button>
          </div>
        </div>
        ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : ''}
      </form>
    `;
  }

  private open(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const name = (new FormData(form).get('node') as string | null)?.trim() ?? '';
    this.error = nodeNameProblem(name);
    if (!this.error) location.assign(nodeUrl(name));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-open-node': OpenNodeForm;
  }
}
