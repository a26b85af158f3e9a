/**
 * The HTTP(S) gateway: the standard server-server API for every browser node
 * this relay hosts. An ordinary homeserver resolves `<key>.<domain>` to us
 * (DNS, or `.well-known` delegation, which we answer too) and sends its
 * request; we pick the node by the Host header and carry the request over a
 * `/tidepool/federation/1` stream, its answer back unchanged. See doc/relay.md.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { MAX_REQUEST_BODY_BYTES } from '../../src/transport/frames.js';
import { DEFAULT_LIMITS, type RateLimit, RateLimiter } from '../limits.js';
import type { NodeDirectory } from '../registry.js';
import type { ForwardToNode } from './forward.js';
import { parseHost } from './host-header.js';
import { BodyTooLargeError, toFederationRequest } from './read-request.js';
import { rawBadRequest, sendError, sendJson, sendResponse } from './responses.js';

/** What the web app learns from `GET /_tidepool/v1/relay`. */
export interface RelayInfo {
  /** The relay's libp2p peer ID. */
  peerId: string;
  /** Where browsers dial it (`/ip4/.../tcp/.../ws/p2p/...`). */
  multiaddrs: string[];
}

/** Gateway configuration. */
export interface GatewayOptions {
  /** Which browser nodes exist and which are connected (the NodeRegistry). */
  directory: NodeDirectory;
  /** Carries a request to a connected node (`streamForwarder(dial)`). */
  forward: ForwardToNode;
  /** The relay's libp2p addresses, read per request (they change as the host starts). */
  relayInfo: () => RelayInfo;
  /** The port remote servers reach us on, for `.well-known` answers; default the listening port. */
  publicPort?: number;
  /** Listening address; default 127.0.0.1 (a TLS terminator or port forward sits in front). */
  host?: string;
  /** Listening port; default 8448, 0 for any. */
  port?: number;
  /** PEM certificate and key: serve HTTPS instead of HTTP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Largest request body forwarded; default the frame limit (4 MiB). */
  maxBodyBytes?: number;
  /** How long a node may take to answer; default 30 s. */
  timeoutMs?: number;
  /** Requests per remote IP. */
  perIp?: RateLimit;
  /** Requests per browser node. */
  perPeer?: RateLimit;
  /** Told about requests that failed on the relay's side (for logs). */
  onError?: (error: unknown) => void;
}

const WELL_KNOWN = '/.well-known/matrix/server';
const RELAY_INFO = '/_tidepool/v1/relay';

/** True for the paths forwarded to nodes. */
function isForwarded(path: string): boolean {
  return path.startsWith('/_matrix/federation/') || path.startsWith('/_matrix/key/v2/');
}

/** The gateway server; `listen()` to start, `close()` to stop. */
export class Gateway {
  readonly server: Server;
  private readonly perIp: RateLimiter;
  private readonly perPeer: RateLimiter;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;

  constructor(private readonly options: GatewayOptions) {
    this.perIp = new RateLimiter(options.perIp ?? DEFAULT_LIMITS.perIp);
    this.perPeer = new RateLimiter(options.perPeer ?? DEFAULT_LIMITS.perPeer);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs;
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_REQUEST_BODY_BYTES;
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((error: unknown) => {
        options.onError?.(error);
        if (!res.headersSent) sendError(res, 500, 'M_UNKNOWN', 'Internal relay error');
        else res.destroy();
      });
    };
    const serverOptions = { requestTimeout: 120_000, headersTimeout: 20_000 };
    this.server = options.tls
      ? createHttpsServer({ ...serverOptions, ...options.tls }, handler)
      : createHttpServer(serverOptions, handler);
    // Node's parser refused the request line or headers: no ServerResponse exists.
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      if (!socket.writable) return socket.destroy();
      const tooBig = error.code === 'HPE_HEADER_OVERFLOW';
      socket.end(
        rawBadRequest(tooBig ? 431 : 400, tooBig ? 'Headers too large' : 'Malformed request'),
      );
    });
  }

  /** Starts listening; resolves with the bound port. */
  async listen(): Promise<number> {
    const { host = '127.0.0.1', port = 8448 } = this.options;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops accepting and closes open connections. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private publicPort(): number {
    return this.options.publicPort ?? (this.server.address() as AddressInfo).port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ip = req.socket.remoteAddress ?? 'unknown';
    const byIp = this.perIp.take(ip);
    if (!byIp.ok) return this.limited(res, byIp.retryAfterMs);
    const target = req.url ?? '';
    if (!target.startsWith('/')) return sendError(res, 400, 'M_UNRECOGNIZED', 'Bad request target');
    const path = target.split('?', 1)[0] ?? '';
    if (path === RELAY_INFO) return this.relayInfo(req, res);
    if (path !== WELL_KNOWN && !isForwarded(path)) {
      return sendError(res, 404, 'M_UNRECOGNIZED', 'Unrecognized request');
    }
    const host = parseHost(req.headers.host);
    if (host === undefined) {
      return sendError(res, 400, 'M_UNRECOGNIZED', 'The Host header is not a server name');
    }
    // Node names never have a port, so whatever port the sender used is dropped.
    if (!this.options.directory.isNodeName(host.hostname)) {
      return sendError(res, 404, 'M_NOT_FOUND', `No server ${host.hostname} here`);
    }
    if (path === WELL_KNOWN) {
      if (req.method !== 'GET') return sendError(res, 405, 'M_UNRECOGNIZED', 'Use GET');
      return sendJson(res, 200, { 'm.server': `${host.hostname}:${this.publicPort()}` });
    }
    await this.forwardToNode(req, res, host.hostname);
  }

  private async forwardToNode(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
  ): Promise<void> {
    const peer = this.options.directory.peerFor(name);
    // 502, not 404: the name is one of ours and the node may come back. Synapse
    // treats any 5xx as "destination down" and retries with backoff, which is
    // what an offline tab needs; a 4xx would fail some requests for good.
    if (peer === undefined) return sendError(res, 502, 'M_UNKNOWN', `${name} is not connected`);
    const byPeer = this.perPeer.take(peer.toString());
    if (!byPeer.ok) return this.limited(res, byPeer.retryAfterMs);
    let request: Awaited<ReturnType<typeof toFederationRequest>>;
    try {
      request = await toFederationRequest(req, this.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      res.setHeader('connection', 'close');
      return sendError(res, 413, 'M_TOO_LARGE', 'Request body too large');
    }
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const signal = AbortSignal.any([AbortSignal.timeout(this.timeoutMs), gone.signal]);
    try {
      sendResponse(res, await this.options.forward(peer, request, signal));
    } catch (error) {
      this.options.onError?.(error);
      if (res.destroyed) return;
      const kind = (error as { name?: unknown }).name;
      // 504 when the node took too long (RFC 9110 §15.6.5), 502 when it could
      // not be reached or broke the frames (§15.6.3); both retryable 5xx.
      if (kind === 'NodeTimeoutError') {
        return sendError(res, 504, 'M_UNKNOWN', `${name} did not answer in time`);
      }
      return sendError(res, 502, 'M_UNKNOWN', 'The node could not be reached');
    }
  }

  private limited(res: ServerResponse, retryAfterMs: number): void {
    res.setHeader('retry-after', String(Math.ceil(retryAfterMs / 1000)));
    sendError(res, 429, 'M_LIMIT_EXCEEDED', 'Too many requests', { retry_after_ms: retryAfterMs });
  }

  private relayInfo(req: IncomingMessage, res: ServerResponse): void {
    const cors = { 'access-control-allow-origin': '*' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET, HEAD, OPTIONS' }).end();
      return;
    }
    // Node leaves the body out of HEAD answers by itself.
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'M_UNRECOGNIZED', 'Use GET');
      return;
    }
    const { peerId, multiaddrs } = this.options.relayInfo();
    sendJson(res, 200, { peerId, multiaddrs, domain: this.options.directory.domain }, cors);
  }
}
