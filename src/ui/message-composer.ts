import type { Remote } from 'comlink';
import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { MessageType, TimelineItem } from '../node/api.js';
import { errorText } from './errors.js';
import type { NodeRemoteApi } from './node-client.js';
import type { NodeSession } from './node-session.js';
import { parseComposerText } from './parse-command.js';
import { sharedStyles } from './styles.js';
import { TypingNotifier } from './typing-notifier.js';

/**
 * `<tp-composer>`: the message box. Enter sends, Shift+Enter makes a new line,
 * `/me` and `/notice` pick the message type. With `editing` set it edits that
 * message instead (Escape cancels) and fires `tp-edit-done`. Up arrow in an
 * empty box fires `tp-edit-last`. Errors show under the box.
 */
@customElement('tp-composer')
export class MessageComposer extends LitElement {
  /** The running node: its API and change feed. */
  @property({ attribute: false }) session?: NodeSession;
  private get api(): Remote<NodeRemoteApi> | undefined {
    return this.session?.api;
  }
  /** The room to send to. */
  @property() roomId = '';
  /** The message being edited, if any. */
  @property({ attribute: false }) editing?: TimelineItem;

  @state() private error?: string;
  @state() private busy = false;
  @query('textarea') private textarea?: HTMLTextAreaElement;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        border-top: 1px solid var(--tp-border);
        padding: 0.5rem 0.75rem;
      }
      form {
        display: flex;
        gap: 0.5rem;
        align-items: end;
      }
      textarea {
        flex: 1;
        min-width: 0;
        resize: vertical;
        min-height: 2.4rem;
        max-height: 40vh;
      }
      .editing {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        font-size: 0.9rem;
        margin-bottom: 0.3rem;
      }
      .hint {
        font-size: 0.8rem;
        margin: 0.2rem 0 0;
      }
    `,
  ];

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('editing') && this.textarea) {
      const body = this.editing?.content.body;
      if (this.editing && typeof body === 'string') {
        this.textarea.value = body;
        this.textarea.focus();
      } else if (changed.get('editing')) {
        this.textarea.value = '';
      }
      this.error = undefined;
    }
    if (changed.has('roomId')) this.error = undefined;
  }

  /** Puts the keyboard focus in the message box. */
  override focus(): void {
    this.textarea?.focus();
  }

  override render(): TemplateResult {
    const label = this.editing ? 'Edit message' : 'Message';
    return html`
      ${
        this.editing
          ? html`<div class="editing">
              <span>Editing your message</span>
              <button type="button" class="link" @click=${this.cancelEdit}>Cancel edit</button>
            </div>`
          : nothing
      }
      <form @submit=${this.submit}>
        <textarea
          aria-label=${label}
          placeholder=${this.editing ? 'Edit your message' : 'Write a message…'}
          rows="1"
          @keydown=${this.onKeyDown}
          @input=${this.onInput}
          @blur=${() => this.#typing?.stop()}
        ></textarea>
        <button type="submit" class="primary" ?disabled=${this.busy}>${this.editing ? 'Save' : 'Send'}</button>
      </form>
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
      <p class="hint muted">Enter sends, Shift+Enter adds a line. /me and /notice change the message type.</p>
    `;
  }

  /** Typing notices for the room shown; replaced when the room changes. */
  #typing?: TypingNotifier;
  #typingRoom = '';

  private onInput(): void {
    const api = this.api;
    if (!api || this.editing) return;
    if (this.#typingRoom !== this.roomId) {
      this.#typing?.stop();
      const roomId = this.roomId;
      this.#typing = new TypingNotifier((typing) => api.setTyping(roomId, typing));
      this.#typingRoom = roomId;
    }
    this.#typing?.input((this.textarea?.value ?? '') !== '');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#typing?.stop();
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void this.send();
    } else if (event.key === 'Escape' && this.editing) {
      event.preventDefault();
      this.cancelEdit();
    } else if (event.key === 'ArrowUp' && !this.editing && this.textarea?.value === '') {
      event.preventDefault();
      this.dispatchEvent(new CustomEvent('tp-edit-last', { bubbles: true, composed: true }));
    }
  }

  private submit(event: SubmitEvent): void {
    event.preventDefault();
    void this.send();
  }

  private cancelEdit(): void {
    this.dispatchEvent(new CustomEvent('tp-edit-done', { bubbles: true, composed: true }));
  }

  private async send(): Promise<void> {
    const textarea = this.textarea;
    if (!textarea || !this.api || this.busy) return;
    const intent = parseComposerText(textarea.value);
    if ('hint' in intent) {
      this.error = intent.hint;
      return;
    }
    this.error = undefined;
    this.busy = true;
    const editing = this.editing;
    try {
      if (editing) {
        // An edit keeps the message's type unless a command picked another.
        const typed = textarea.value.startsWith('/');
        const msgtype = typed ? intent.message.msgtype : (editing.content.msgtype as MessageType);
        await this.api.editMessage(this.roomId, editing.eventId, { ...intent.message, msgtype });
        textarea.value = '';
        this.cancelEdit();
      } else {
        this.#typing?.stop();
        await this.api.sendMessage(this.roomId, intent.message);
        textarea.value = '';
      }
    } catch (error) {
      this.error = `Not sent: ${errorText(error)}`;
    } finally {
      this.busy = false;
      textarea.focus();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-composer': MessageComposer;
  }
}
