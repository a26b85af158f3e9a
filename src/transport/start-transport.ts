/**
 * The page side of federation (the page's main thread, because Chromium has
 * no RTCPeerConnection in a dedicated worker): finds the relay, starts the
 * libp2p node under the node's own identity key, serves inbound requests by
 * handing each to the worker (`api.handleFederation`), and gives the worker
 * the transport for its outbound requests (`api.startFederation`). A relay
 * that cannot be found is retried with backoff and told in `status`, in
 * words; the node keeps working locally meanwhile. See doc/transport.md.
 */
import { proxy } from 'comlink';
import type {
  FederationRequest,
  FederationResponse,
  FederationTransport,
  RequestMeta,
} from '../federation/transport.js';
import { TransportUnreachableError } from '../federation/transport-errors.js';
import { createPeerLibp2p } from './create-libp2p.js';
import { LinkPolicy } from './link-policy.js';
import { P2pTransport, type PeerStatus } from './p2p-transport.js';
import type { LinkKind } from './peer-dialer.js';
import { fetchRelayInfo, relayDialAddress } from './relay-info.js';

/** The worker methods the transport uses (src/worker/federation-host.ts). */
export interface TransportNodeApi {
  transportKey(): Promise<{ serverName: string; seed: Uint8Array }>;
  startFederation(transport: FederationTransport): Promise<void>;
  handleFederation(request: FederationRequest, meta: RequestMeta): Promise<FederationResponse>;
  wakeServer(serverName: string): Promise<void>;
  wakeAll(): Promise<void>;
}

/** Where the transport stands, for the page (the network panel shows `message`). */
export interface TransportStatus {
  state: 'starting' | 'connected' | 'reconnecting' | 'unavailable' | 'offline' | 'stopped';
  /** One sentence for a person. */
  message: string;
}

/** Options for startTransport. */
export interface StartTransportOptions {
  api: TransportNodeApi;
  /** The relay's HTTP base URL, e.g. `http://127.0.0.1:8448`. */
  relayUrl: string;
  /** False keeps browser-to-browser traffic on the relayed circuit (benchmarks). */
  preferDirect?: boolean;
  /** Called on every status change. */
  onStatus?(status: TransportStatus): void;
}

/** The running transport, as the page (and `window.__tidepoolTransport`) sees it. */
export interface TidepoolTransport {
  readonly serverName: string;
  readonly status: TransportStatus;
  /** This node's libp2p peer ID (its identity key), once started. */
  peerId(): string | undefined;
  /** True while the relay holds a reservation for this node (other nodes can reach it). */
  reserved(): boolean;
  peers(): PeerStatus[];
  connectionsTo(serverName: string): { remoteAddr: string; kind: LinkKind; limited: boolean }[];
  cutLink(serverName: string): Promise<void>;
  healLink(serverName: string): void;
  setOffline(offline: boolean): Promise<void>;
  /** Sends a request as the node would (for tests and the bench). */
  request(destination: string, request: FederationRequest): Promise<FederationResponse>;
  stop(): Promise<void>;
}

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

/** Starts federation over libp2p for the node behind `api`. Never rejects for a missing relay. */
export async function startTransport(options: StartTransportOptions): Promise<TidepoolTransport> {
  const { api } = options;
  const { serverName, seed } = await api.transportKey();
  let status: TransportStatus = { state: 'starting', message: 'Looking for the relay' };
  const setStatus = (next: TransportStatus) => {
    status = next;
    options.onStatus?.(next);
  };
  let inner: P2pTransport | undefined;
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let stopInner: (() => Promise<void>) | undefined;

  const outbound: FederationTransport = {
    request(destination, request) {
      if (!inner) {
        return Promise.reject(new TransportUnreachableError(destination, status.message));
      }
      return inner.request(destination, request);
    },
  };
  await api.startFederation(proxy(outbound));

  const connect = async (attempt: number): Promise<void> => {
    if (stopped) return;
    try {
      const info = await fetchRelayInfo(options.relayUrl, AbortSignal.timeout(10_000));
      const policy = new LinkPolicy();
      const libp2p = await createPeerLibp2p({ seed, policy });
      const transport = new P2pTransport({
        libp2p,
        relay: info,
        relayAddress: relayDialAddress(info),
        policy,
        handler: (request, meta) => api.handleFederation(request, meta),
        onLinkUp: (name) => void api.wakeServer(name).catch(() => undefined),
        onRelayState: (state, message) => {
          if (state === 'stopped') return;
          setStatus({ state: state === 'connecting' ? 'starting' : state, message });
          // Back on the network: what waited in backoff during the outage goes now.
          if (state === 'connected') void api.wakeAll().catch(() => undefined);
        },
        preferDirect: options.preferDirect ?? true,
      });
      await transport.start().catch(async (error: unknown) => {
        await libp2p.stop();
        throw error;
      });
      inner = transport;
      stopInner = async () => {
        await transport.stop();
        await libp2p.stop();
      };
    } catch (error) {
      const words = error instanceof Error ? error.message : String(error);
      const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt);
      setStatus({
        state: 'unavailable',
        message: `${words}. Federation is paused; this node works locally and retries in ${Math.round(delay / 1000)} s.`,
      });
      retryTimer = setTimeout(() => void connect(attempt + 1), delay);
    }
  };
  await connect(0);

  const requireInner = (): P2pTransport => {
    if (!inner) throw new TransportUnreachableError(options.relayUrl, status.message);
    return inner;
  };

  return {
    serverName,
    get status() {
      return status;
    },
    peerId: () => inner?.peerId(),
    reserved: () => inner?.reserved() ?? false,
    peers: () => inner?.peers() ?? [],
    connectionsTo: (name) => inner?.connectionsTo(name) ?? [],
    cutLink: (name) => requireInner().cutLink(name),
    healLink: (name) => requireInner().healLink(name),
    setOffline: (offline) => requireInner().setOffline(offline),
    request: (destination, request) => outbound.request(destination, request),
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      await stopInner?.();
      setStatus({ state: 'stopped', message: 'Federation is stopped' });
    },
  };
}
