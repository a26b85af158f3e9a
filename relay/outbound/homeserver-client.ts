/**
 * Sends a federation request to an ordinary homeserver by server name:
 * resolution (resolve-server.ts), the address policy, then HTTPS with the
 * request unchanged (the X-Matrix header the browser node signed included).
 */
import { Agent } from 'node:https';
import { isIP } from 'node:net';
import type { FederationRequest, FederationResponse } from '../../src/federation/transport.js';
import { MAX_RESPONSE_BODY_BYTES } from '../../src/transport/frames.js';
import { isPrivateAddress } from './address-policy.js';
import { type ResolverDns, systemDns } from './dns.js';
import { OutboundError } from './errors.js';
import { httpsRequest } from './https-request.js';
import {
  MAX_WELL_KNOWN_BYTES,
  ServerResolver,
  type WellKnownAnswer,
  type WellKnownFetch,
} from './resolve-server.js';

/** HomeserverClient configuration. */
export interface HomeserverClientOptions {
  /** DNS; default the system resolver. */
  dns?: ResolverDns;
  /** The `.well-known` fetch; default HTTPS through this client (policy applied). */
  fetchWellKnown?: WellKnownFetch;
  /** The port `.well-known` is fetched from; 443 as the spec says (tests change it). */
  wellKnownPort?: number;
  /** Allow loopback and private addresses (`--allow-private-destinations`). */
  allowPrivateDestinations?: boolean;
  /** Extra trusted CA certificates (PEM). */
  ca?: (string | Buffer)[];
  /** Largest response accepted; default the frame limit (32 MiB). */
  maxResponseBytes?: number;
  now?: () => number;
}

const MAX_REDIRECTS = 5;

/** Resolves and sends. */
export class HomeserverClient {
  readonly resolver: ServerResolver;
  private readonly dns: ResolverDns;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });

  constructor(private readonly options: HomeserverClientOptions = {}) {
    this.dns = options.dns ?? systemDns;
    this.resolver = new ServerResolver({
      dns: this.dns,
      fetchWellKnown:
        options.fetchWellKnown ?? ((host, signal) => this.fetchWellKnown(host, signal)),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** Sends `request` to `destination`; rejects with OutboundError when no response came. */
  async send(
    destination: string,
    request: FederationRequest,
    signal: AbortSignal,
  ): Promise<FederationResponse> {
    const target = await this.resolver.resolve(destination);
    return this.connect(
      target.connectHost,
      target.port,
      target.tlsName,
      target.hostHeader,
      request,
      signal,
    );
  }

  /** Closes pooled connections. */
  close(): void {
    this.agent.destroy();
  }

  private async connect(
    host: string,
    port: number,
    tlsName: string,
    hostHeader: string,
    request: FederationRequest,
    signal: AbortSignal,
  ): Promise<FederationResponse> {
    let addresses: string[];
    try {
      addresses = isIP(host) !== 0 ? [host] : await this.dns.lookup(host);
    } catch (error) {
      throw new OutboundError('unreachable', `${host} has no address`, { cause: error });
    }
    // Checked on the looked-up address we then connect to, so a DNS answer
    // cannot switch to a private address between check and connect.
    const allowed = this.options.allowPrivateDestinations
      ? addresses
      : addresses.filter((address) => !isPrivateAddress(address));
    if (allowed.length === 0) {
      throw new OutboundError('refused', `${host} resolves only to private addresses`);
    }
    const settings = {
      maxResponseBytes: this.options.maxResponseBytes ?? MAX_RESPONSE_BODY_BYTES,
      agent: this.agent,
      ...(this.options.ca ? { ca: this.options.ca } : {}),
    };
    let last: unknown;
    for (const address of allowed) {
      try {
        return await httpsRequest(
          { address, port, tlsName, hostHeader },
          request,
          settings,
          signal,
        );
      } catch (error) {
        last = error;
        if (signal.aborted) break;
      }
    }
    throw last;
  }

  /** `GET https://<hostname>/.well-known/matrix/server`, following up to 5 HTTPS redirects. */
  private async fetchWellKnown(hostname: string, signal: AbortSignal): Promise<WellKnownAnswer> {
    const port = this.options.wellKnownPort ?? 443;
    let url = new URL(`https://${hostname}:${port}/.well-known/matrix/server`);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const urlPort = Number(url.port || 443);
      const hostHeader = urlPort === 443 ? url.hostname : `${url.hostname}:${urlPort}`;
      const request = { method: 'GET', path: url.pathname + url.search, headers: {} };
      const answer = await this.connect(
        url.hostname,
        urlPort,
        url.hostname,
        hostHeader,
        request,
        signal,
      );
      const location = answer.headers.location;
      if (answer.status < 300 || answer.status > 399 || location === undefined) {
        if (answer.body.byteLength > MAX_WELL_KNOWN_BYTES) return { ...answer, status: 502 };
        return answer;
      }
      url = new URL(location, url);
      if (url.protocol !== 'https:')
        throw new OutboundError('unreachable', 'redirect away from HTTPS');
    }
    throw new OutboundError('unreachable', 'too many redirects');
  }
}
