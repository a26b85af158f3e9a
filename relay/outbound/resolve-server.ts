/**
 * Server name → where to connect, exactly as the server-server API's
 * "Resolving server names" orders it (step numbers below are the spec's):
 *
 *   1   IP literal → that IP, its port or 8448; Host = server name
 *   2   hostname with port → the hostname's addresses; Host = server name
 *   3   `GET https://<hostname>/.well-known/matrix/server` → delegated name:
 *   3.1   IP literal → that IP, its port or 8448; Host = delegated name
 *   3.2   with port → its addresses and port; Host = delegated name
 *   3.3   SRV `_matrix-fed._tcp.<delegated>` → target:port; Host = delegated hostname
 *   3.4   SRV `_matrix._tcp.<delegated>` (deprecated) → same
 *   3.5   else → delegated hostname:8448
 *   4   no delegation: SRV `_matrix-fed._tcp.<hostname>`; Host = hostname
 *   5   SRV `_matrix._tcp.<hostname>` (deprecated)
 *   6   else → hostname:8448
 *
 * The certificate must be valid for the hostname (or delegated hostname; the
 * IP for IP literals), never for an SRV target.
 */
import { isIP } from 'node:net';
import { parseHost } from '../gateway/host-header.js';
import { pickSrv, type ResolverDns } from './dns.js';
import { OutboundError } from './errors.js';
import { ERROR_TTL_MS, WellKnownCache, wellKnownTtl } from './well-known-cache.js';

/** The Matrix federation port. */
export const DEFAULT_FEDERATION_PORT = 8448;
/** Largest `.well-known` body read. */
export const MAX_WELL_KNOWN_BYTES = 64 * 1024;

/** Where a server name leads. */
export interface ResolvedServer {
  /** The hostname to look up, or the IP literal (no brackets) to connect to. */
  connectHost: string;
  port: number;
  /** The Host header to send. */
  hostHeader: string;
  /** What the TLS certificate must be valid for (and SNI, unless an IP). */
  tlsName: string;
  /** The spec step that decided, for logs and tests. */
  step: '1' | '2' | '3.1' | '3.2' | '3.3' | '3.4' | '3.5' | '4' | '5' | '6';
}

/** A `.well-known` answer as fetched (redirects already followed). */
export interface WellKnownAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** Fetches `https://<hostname>/.well-known/matrix/server`. */
export type WellKnownFetch = (hostname: string, signal: AbortSignal) => Promise<WellKnownAnswer>;

/** Resolver configuration. */
export interface ResolverOptions {
  dns: ResolverDns;
  fetchWellKnown: WellKnownFetch;
  now?: () => number;
  /** How long the `.well-known` fetch may take; default 10 s. */
  wellKnownTimeoutMs?: number;
}

const unbracket = (host: string) => host.replace(/^\[|\]$/g, '');

/** Resolves server names, caching `.well-known` answers. */
export class ServerResolver {
  private readonly cache: WellKnownCache;
  private readonly now: () => number;

  constructor(private readonly options: ResolverOptions) {
    this.now = options.now ?? Date.now;
    this.cache = new WellKnownCache(this.now);
  }

  /** Where `serverName` is served; rejects with OutboundError('refused') for a malformed name. */
  async resolve(serverName: string): Promise<ResolvedServer> {
    const parts = parseHost(serverName);
    if (parts === undefined)
      throw new OutboundError('refused', `${serverName} is not a server name`);
    const { hostname, port } = parts;
    if (isIP(unbracket(hostname)) !== 0) {
      const ip = unbracket(hostname);
      return {
        connectHost: ip,
        port: port ?? DEFAULT_FEDERATION_PORT,
        hostHeader: serverName,
        tlsName: ip,
        step: '1',
      };
    }
    if (port !== undefined) {
      return { connectHost: hostname, port, hostHeader: serverName, tlsName: hostname, step: '2' };
    }
    const delegated = await this.delegation(hostname);
    if (delegated !== undefined) return this.resolveDelegated(delegated);
    return this.srvOrDefault(hostname, { srv: '4', legacySrv: '5', none: '6' });
  }

  private async resolveDelegated(delegated: string): Promise<ResolvedServer> {
    const parts = parseHost(delegated);
    if (parts === undefined) throw new OutboundError('unreachable', `bad delegation ${delegated}`);
    const { hostname, port } = parts;
    if (isIP(unbracket(hostname)) !== 0) {
      const ip = unbracket(hostname);
      return {
        connectHost: ip,
        port: port ?? DEFAULT_FEDERATION_PORT,
        hostHeader: delegated,
        tlsName: ip,
        step: '3.1',
      };
    }
    if (port !== undefined) {
      return { connectHost: hostname, port, hostHeader: delegated, tlsName: hostname, step: '3.2' };
    }
    return this.srvOrDefault(hostname, { srv: '3.3', legacySrv: '3.4', none: '3.5' });
  }

  /**
   * The last steps, for a name with no port (the server name itself, or the
   * one it delegates to): its SRV record if any, else port 8448. `steps` are
   * the spec's numbers for each outcome, which differ by where we came from.
   */
  private async srvOrDefault(
    hostname: string,
    steps: {
      srv: ResolvedServer['step'];
      legacySrv: ResolvedServer['step'];
      none: ResolvedServer['step'];
    },
  ): Promise<ResolvedServer> {
    const srv = await this.srv(hostname);
    const named = { hostHeader: hostname, tlsName: hostname };
    if (srv === undefined) {
      return { connectHost: hostname, port: DEFAULT_FEDERATION_PORT, ...named, step: steps.none };
    }
    const step = srv.legacy ? steps.legacySrv : steps.srv;
    return { connectHost: srv.name, port: srv.port, ...named, step };
  }

  /** `_matrix-fed._tcp` first, then the deprecated `_matrix._tcp`. */
  private async srv(
    hostname: string,
  ): Promise<{ name: string; port: number; legacy: boolean } | undefined> {
    const current = pickSrv(
      await this.options.dns.resolveSrv(`_matrix-fed._tcp.${hostname}`).catch(() => []),
    );
    if (current !== undefined) return { name: current.name, port: current.port, legacy: false };
    const legacy = pickSrv(
      await this.options.dns.resolveSrv(`_matrix._tcp.${hostname}`).catch(() => []),
    );
    if (legacy !== undefined) return { name: legacy.name, port: legacy.port, legacy: true };
    return undefined;
  }

  /** The delegated server name from `.well-known`, cached; undefined for none or an error. */
  private async delegation(hostname: string): Promise<string | undefined> {
    const cached = this.cache.get(hostname);
    if (cached !== undefined) return cached.delegated;
    const signal = AbortSignal.timeout(this.options.wellKnownTimeoutMs ?? 10_000);
    let answer: WellKnownAnswer;
    try {
      answer = await this.options.fetchWellKnown(hostname, signal);
    } catch {
      this.cache.set(hostname, undefined, ERROR_TTL_MS);
      return undefined;
    }
    const delegated = answer.status === 200 ? delegatedName(answer.body) : undefined;
    const ttl = delegated === undefined ? ERROR_TTL_MS : wellKnownTtl(answer.headers, this.now());
    this.cache.set(hostname, delegated, ttl);
    return delegated;
  }
}

/** The valid `m.server` of a well-known body, or undefined ("invalid": go on as if none). */
export function delegatedName(body: Uint8Array): string | undefined {
  if (body.byteLength > MAX_WELL_KNOWN_BYTES) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    const server = (value as { 'm.server'?: unknown } | null)?.['m.server'];
    return typeof server === 'string' && parseHost(server) !== undefined ? server : undefined;
  } catch {
    return undefined;
  }
}
