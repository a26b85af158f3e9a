/**
 * When to try a failing destination again: exponential backoff per
 * destination, with jitter so that many nodes cut off by the same outage do
 * not all come back in the same millisecond. Timers are injected, so tests
 * drive them with a ManualClock.
 */
import type { NetworkClock } from '../network-clock.js';

/** Backoff settings; every field has a default. */
export interface BackoffPolicy {
  /** Delay after the first failure, in ms; default 1 s. */
  initialMs?: number;
  /** The delay never exceeds this, in ms; default 1 h. */
  maxMs?: number;
  /** Up to this fraction of the delay is taken off at random; default 0.2. */
  jitter?: number;
}

/** Default delays: 1 s doubling per consecutive failure, up to 1 h. */
export const DEFAULT_BACKOFF: Required<BackoffPolicy> = {
  initialMs: 1_000,
  maxMs: 60 * 60 * 1_000,
  jitter: 0.2,
};

/**
 * The wait after `failures` consecutive failures (1 for the first):
 * `min(max, initial · 2^(failures−1))`, less up to `jitter` of it drawn from
 * `random` (in [0, 1)). With `random = () => 0` the schedule is exact.
 */
export function backoffDelay(
  failures: number,
  random: () => number,
  policy: BackoffPolicy = {},
): number {
  const { initialMs, maxMs, jitter } = { ...DEFAULT_BACKOFF, ...policy };
  // 2^(failures−1) overflows nothing that matters: the cap applies long before.
  const nominal = Math.min(maxMs, initialMs * 2 ** Math.min(failures - 1, 52));
  return Math.round(nominal * (1 - jitter * random()));
}

/** Schedules a callback; the returned function cancels it (a no-op once it ran). */
export interface OutboundTimers {
  setTimer(ms: number, fire: () => void): () => void;
}

/** Real timers. */
export const realTimers: OutboundTimers = {
  setTimer(ms, fire) {
    const handle = setTimeout(fire, ms);
    return () => clearTimeout(handle);
  },
};

/** Timers on a NetworkClock (a ManualClock in tests: they fire on `advance`). */
export function clockTimers(clock: NetworkClock): OutboundTimers {
  return {
    setTimer(ms, fire) {
      let cancelled = false;
      void clock.sleep(ms).then(() => {
        if (!cancelled) fire();
      });
      return () => {
        cancelled = true;
      };
    },
  };
}
