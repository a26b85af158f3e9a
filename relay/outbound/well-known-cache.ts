/**
 * How long a `.well-known/matrix/server` answer is kept (server-server API,
 * "Resolving server names"): as its Cache-Control or Expires says, 24 hours
 * when it says nothing, never more than 48 hours; a failed lookup is kept for
 * an hour so an absent well-known costs one request an hour, not one per send.
 */

/** Default lifetime of an answer without cache headers. */
export const DEFAULT_TTL_MS = 24 * 3600_000;
/** Upper bound for any answer. */
export const MAX_TTL_MS = 48 * 3600_000;
/** Lifetime of a failure. */
export const ERROR_TTL_MS = 3600_000;

/** The lifetime a successful answer's headers ask for, capped. */
export function wellKnownTtl(headers: Record<string, string>, now: number): number {
  const control = headers['cache-control'] ?? '';
  if (/(?:^|,)\s*(?:no-store|no-cache)\s*(?:,|$)/i.test(control)) return 0;
  const maxAge = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(control)?.[1];
  if (maxAge !== undefined) return Math.min(Number(maxAge) * 1000, MAX_TTL_MS);
  const expires = headers.expires === undefined ? Number.NaN : Date.parse(headers.expires);
  if (!Number.isNaN(expires)) return Math.min(Math.max(0, expires - now), MAX_TTL_MS);
  return DEFAULT_TTL_MS;
}

interface Entry {
  /** The delegated server name, or undefined for "no delegation". */
  delegated: string | undefined;
  expiresAt: number;
}

/** Answers by hostname. */
export class WellKnownCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  /** The cached answer: `{delegated}` (undefined inside for a cached failure), or undefined when none. */
  get(hostname: string): { delegated: string | undefined } | undefined {
    const entry = this.entries.get(hostname);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(hostname);
      return undefined;
    }
    return { delegated: entry.delegated };
  }

  set(hostname: string, delegated: string | undefined, ttlMs: number): void {
    if (ttlMs <= 0) return;
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(hostname, { delegated, expiresAt: this.now() + ttlMs });
  }
}
