/**
 * When to tell the room that the user is typing: `true` on the first keystroke
 * and again before the other servers' timeout runs out while they keep typing,
 * `false` once the text is empty, sent or left for a while. Typing is a hint,
 * so a failed send is ignored (the node may not be on the federation yet).
 */

/** Renew well within the 30 s other servers keep a typing notice by default. */
export const TYPING_RENEW_MS = 20_000;
/** Stop saying "typing" after this long without a keystroke. */
export const TYPING_IDLE_MS = 5_000;

/** Timer functions, injectable for tests. */
export interface TypingTimers {
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

const realTimers: TypingTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** One composer's typing state for one room. */
export class TypingNotifier {
  #typing = false;
  #sentAt = 0;
  #idle: unknown;

  constructor(
    private readonly send: (typing: boolean) => Promise<void>,
    private readonly timers: TypingTimers = realTimers,
  ) {}

  /** The text changed: `hasText` says whether anything is left in the composer. */
  input(hasText: boolean): void {
    if (!hasText) {
      this.stop();
      return;
    }
    const now = this.timers.now();
    if (!this.#typing || now - this.#sentAt >= TYPING_RENEW_MS) {
      this.#typing = true;
      this.#sentAt = now;
      this.#send(true);
    }
    if (this.#idle !== undefined) this.timers.clearTimeout(this.#idle);
    this.#idle = this.timers.setTimeout(() => this.stop(), TYPING_IDLE_MS);
  }

  /** The message was sent, the composer emptied or left: no longer typing. */
  stop(): void {
    if (this.#idle !== undefined) this.timers.clearTimeout(this.#idle);
    this.#idle = undefined;
    if (!this.#typing) return;
    this.#typing = false;
    this.#send(false);
  }

  #send(typing: boolean): void {
    this.send(typing).catch(() => undefined);
  }
}
