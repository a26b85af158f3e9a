/**
 * The relay's limits: request rates per remote IP and per browser node, and
 * how long a forwarded request may take. Token buckets, one per key, swept when
 * full so an idle key costs no memory.
 */

/** A rate: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  /** Requests allowed at once. */
  burst: number;
  /** Requests added back per second. */
  perSecond: number;
}

/** The relay's defaults (doc/relay.md, "Limits"). */
export const DEFAULT_LIMITS = {
  /** Per remote IP on the gateway: an ordinary homeserver's backlog after an outage fits in the burst. */
  perIp: { burst: 200, perSecond: 50 } satisfies RateLimit,
  /** Per browser node, both directions: a tab has one thread, so this also spares it. */
  perPeer: { burst: 100, perSecond: 20 } satisfies RateLimit,
  /** How long the gateway waits for a browser node's answer, and the outbound path for a homeserver's. */
  requestTimeoutMs: 30_000,
} as const;

/** What a `take` decided. */
export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Token buckets by key (an IP, a peer ID). */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key`, or says how long until one is free. */
  take(key: string): RateDecision {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, updatedAt: now };
    const refill = ((now - bucket.updatedAt) / 1000) * this.limit.perSecond;
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + refill);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.buckets.set(key, bucket);
      if (this.buckets.size > 10_000) this.sweep(now);
      return { ok: true };
    }
    this.buckets.set(key, bucket);
    const missing = 1 - bucket.tokens;
    return { ok: false, retryAfterMs: Math.ceil((missing / this.limit.perSecond) * 1000) };
  }

  /** Drops buckets that have refilled: they hold nothing a fresh bucket would not. */
  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      const full = bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.limit.perSecond;
      if (full >= this.limit.burst) this.buckets.delete(key);
    }
  }
}
