/**
 * Time for the in-memory network's delays: real timers, or a manual clock a
 * test moves forward so delays and reordering are deterministic.
 */

/** What the network needs from a clock. */
export interface NetworkClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves once `ms` milliseconds have passed on this clock. */
  sleep(ms: number): Promise<void>;
}

/** Real time: `Date.now` and `setTimeout`. */
export const realClock: NetworkClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface Sleeper {
  at: number;
  /** Insertion order: sleepers due at the same time wake in the order they slept. */
  seq: number;
  wake: () => void;
}

/**
 * A clock that only moves when told. `advance(ms)` wakes every sleeper due by
 * then, in time order, letting the work each one starts run before moving on,
 * so a chain of delays (request leg, then response leg) completes within one
 * advance when it fits.
 */
export class ManualClock implements NetworkClock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private seq = 0;

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.sleepers.push({ at: this.current + Math.max(0, ms), seq: this.seq++, wake });
    });
  }

  /** How many sleepers are waiting. */
  get pending(): number {
    return this.sleepers.length;
  }

  /** Moves time forward by `ms`, waking sleepers as their time comes. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await settle();
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.at > target) break;
      this.sleepers.splice(this.sleepers.indexOf(next), 1);
      this.current = Math.max(this.current, next.at);
      next.wake();
      // Let the woken work run (it may sleep again, due before `target`).
      await settle();
    }
    this.current = target;
  }

  private earliest(): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.sleepers) {
      if (best === undefined || s.at < best.at || (s.at === best.at && s.seq < best.seq)) best = s;
    }
    return best;
  }
}

/** One macrotask turn: every queued microtask (promise continuation) runs first. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
