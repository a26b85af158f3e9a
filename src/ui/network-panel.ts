import type { Remote } from 'comlink';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { DestinationStatus } from '../federation/outbound/outbound-events.js';
import type { PeerStatus } from '../transport/p2p-transport.js';
import type { TidepoolTransport } from '../transport/start-transport.js';
import { errorText } from './errors.js';
import type { NodeRemoteApi } from './node-client.js';
import type { NodeSession } from './node-session.js';
import { sharedStyles } from './styles.js';

/** How often the open panel re-reads: RTTs and retry timers change without any event. */
const REFRESH_MS = 1000;

/** One row: a server we have a link to or something queued for. */
interface ServerRow {
  serverName: string;
  peer?: PeerStatus;
  queue?: DestinationStatus;
}

const LINK_WORDS: Record<PeerStatus['kind'], string> = {
  'direct-webrtc': 'direct (WebRTC)',
  relayed: 'relayed (circuit)',
  gateway: 'HTTP gateway',
  none: 'no connection',
};

/**
 * `<tp-network-panel>`: the partition lab. Each known server with its link
 * (direct WebRTC, relayed, HTTP gateway), round-trip time, outbound queue and
 * retry state; a switch per browser peer to cut and heal that link, and one
 * to take this node offline. The switches act at the transport, so the
 * federation code sees a real partition and catches up on heal.
 */
@customElement('tp-network-panel')
export class NetworkPanel extends LitElement {
  @property({ attribute: false }) session?: NodeSession;
  private get api(): Remote<NodeRemoteApi> | undefined {
    return this.session?.api;
  }
  /** The page's transport; undefined when no relay is configured. */
  @property({ attribute: false }) transport?: TidepoolTransport;

  @state() private rows: ServerRow[] = [];
  @state() private offline = false;
  @state() private error?: string;
  #timer?: ReturnType<typeof setInterval>;
  #reading = false;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .status {
        margin: 0.25rem 0 0.5rem;
      }
      .table {
        overflow-x: auto;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: 0.9rem;
      }
      th,
      td {
        text-align: left;
        padding: 0.25rem 0.4rem;
        border-bottom: 1px solid var(--tp-border);
        white-space: nowrap;
      }
      td.name {
        max-width: 14rem;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .cut {
        color: var(--tp-danger, #b00020);
        font-weight: 600;
      }
      label.switch {
        display: inline-flex;
        gap: 0.3rem;
        align-items: center;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  private async refresh(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      const queue = this.api ? await this.api.outboundStatus().catch(() => []) : [];
      const peers = this.transport?.peers() ?? [];
      const rows = new Map<string, ServerRow>();
      for (const peer of peers) rows.set(peer.serverName, { serverName: peer.serverName, peer });
      for (const destination of queue) {
        const row = rows.get(destination.destination) ?? { serverName: destination.destination };
        row.queue = destination;
        rows.set(destination.destination, row);
      }
      this.rows = [...rows.values()].sort((a, b) => (a.serverName < b.serverName ? -1 : 1));
    } finally {
      this.#reading = false;
    }
  }

  override render(): TemplateResult {
    const transport = this.transport;
    if (!transport) {
      return html`<p class="muted">
        No relay is configured, so this node has no links: open the app with
        <code>?relay=http://127.0.0.1:8448</code> or start it with <code>npm start</code>.
      </p>`;
    }
    return html`
      <p class="status" role="status">${transport.status.message}</p>
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          .checked=${!this.offline}
          @change=${(e: Event) => void this.setOffline(!(e.target as HTMLInputElement).checked)}
        />
        This node is online
      </label>
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
      ${
        this.rows.length === 0
          ? html`<p class="muted">No other servers yet: join or share a room.</p>`
          : html`<div class="table"><table>
              <caption class="muted">Servers this node talks to</caption>
              <thead>
                <tr>
                  <th scope="col">Server</th>
                  <th scope="col">Link</th>
                  <th scope="col">RTT</th>
                  <th scope="col">Queued</th>
                  <th scope="col">Retry</th>
                  <th scope="col">Cut</th>
                </tr>
              </thead>
              <tbody>
                ${this.rows.map((row) => this.renderRow(row))}
              </tbody>
            </table></div>`
      }
    `;
  }

  private renderRow(row: ServerRow): TemplateResult {
    const { peer, queue } = row;
    const link = peer ? LINK_WORDS[peer.kind] : 'no connection';
    const retry =
      queue?.retryAt !== undefined
        ? `in ${Math.max(0, Math.ceil((queue.retryAt - Date.now()) / 1000))} s (${queue.failures} failed)`
        : queue && queue.inFlight > 0
          ? 'sending'
          : '—';
    const cuttable = peer !== undefined && peer.kind !== 'gateway';
    return html`<tr>
      <td class="name" title=${row.serverName}>${row.serverName}</td>
      <td>${peer?.cut ? html`<span class="cut">cut</span>` : link}</td>
      <td>${peer?.rttMs === undefined ? '—' : `${Math.round(peer.rttMs)} ms`}</td>
      <td>${queue?.queued ?? 0}</td>
      <td>${retry}</td>
      <td>
        ${
          cuttable
            ? html`<label class="switch">
                <input
                  type="checkbox"
                  role="switch"
                  .checked=${peer.cut}
                  aria-label="Cut the link to ${row.serverName}"
                  @change=${(e: Event) =>
                    void this.setCut(row.serverName, (e.target as HTMLInputElement).checked)}
                />
              </label>`
            : nothing
        }
      </td>
    </tr>`;
  }

  private async setCut(serverName: string, cut: boolean): Promise<void> {
    const transport = this.transport;
    if (!transport) return;
    this.error = undefined;
    try {
      if (cut) await transport.cutLink(serverName);
      else transport.healLink(serverName);
    } catch (error) {
      this.error = `Could not ${cut ? 'cut' : 'heal'} the link to ${serverName}: ${errorText(error)}`;
    }
    await this.refresh();
  }

  private async setOffline(offline: boolean): Promise<void> {
    const transport = this.transport;
    if (!transport) return;
    this.error = undefined;
    try {
      await transport.setOffline(offline);
      this.offline = offline;
    } catch (error) {
      this.error = `Could not take the node ${offline ? 'offline' : 'online'}: ${errorText(error)}`;
    }
    await this.refresh();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tp-network-panel': NetworkPanel;
  }
}
