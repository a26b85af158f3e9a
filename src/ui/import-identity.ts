import { html, LitElement, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { IMPORT_WARNING, listNodes } from './node-client.js';
import { importStorageKey, nodeNameProblem, nodeUrl } from './node-name.js';
import { sharedStyles } from './styles.js';

/**
 * `<tp-import-identity>`: start a new node of this browser from an exported
 * identity file. It reads the file, asks for a new node name, leaves the text
 * in sessionStorage under `tidepool-import:<name>` and opens `?node=<name>&import`;
 * the page entry (main.ts) takes it from there (see doc/ui.md).
 */
@customElement('tp-import-identity')
export class ImportIdentity extends LitElement {
  @state() private error?: string;
  @state() private busy = false;

  static override styles = sharedStyles;

  override render(): TemplateResult {
    return html`
      <p class="alert" role="note">${IMPORT_WARNING}</p>
      <form @submit=${this.import}>
        <div class="field">
          <label for="identity-file">Identity file (.json)</label>
          <input id="identity-file" name="file" type="file" accept=".json,application/json" />
        </div>
        <div class="field">
          <label for="import-node-name">New node name</label>
          <input id="import-node-name" name="node" autocomplete="off" placeholder="restored" />
        </div>
        <button type="submit" ?disabled=${this.busy}>Import into a new node</button>
        ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : ''}
      </form>
    `;
  }

  private async import(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const file = data.get('file');
    const name = (data.get('node') as string | null)?.trim() ?? '';
    this.error = undefined;
    if (!(file instanceof File) || file.size === 0) {
      this.error = 'Choose the identity file you exported.';
      return;
    }
    const problem = nodeNameProblem(name);
    if (problem) {
      this.error = problem;
      return;
    }
    this.busy = true;
    try {
      const existing = await listNodes().catch(() => []);
      if (existing.some((node) => node.name === name)) {
        this.error = `A node named ${name} already exists in this browser: choose another name.`;
        return;
      }
      const text = await file.text();
      try {
        JSON.parse(text);
      } catch {
        this.error = 'That file is not an identity file: it is not JSON.';
        return;
      }
      sessionStorage.setItem(importStorageKey(name), text);
      location.assign(nodeUrl(name, { import: true }));
    } catch (error) {
      this.error = error instanceof Error ? error.message : 'The file could not be read.';
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-import-identity': ImportIdentity;
  }
}
