import { describe, expect, it } from 'vitest';
import {
  TYPING_IDLE_MS,
  TYPING_RENEW_MS,
  TypingNotifier,
  type TypingTimers,
} from '../../src/ui/typing-notifier.js';

/** A clock the test moves by hand, firing due timers as it goes. */
function manualTimers() {
  let now = 0;
  let next = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: TypingTimers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      pending.set(next, { at: now + ms, fn });
      return next++;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, timer] of [...pending]) {
      if (timer.at <= now) {
        pending.delete(id);
        timer.fn();
      }
    }
  };
  return { timers, advance };
}

function notifier(fail = false) {
  const sent: boolean[] = [];
  const { timers, advance } = manualTimers();
  const typing = new TypingNotifier(async (value) => {
    sent.push(value);
    if (fail) throw new Error('not on the federation');
  }, timers);
  return { sent, typing, advance };
}

describe('TypingNotifier', () => {
  it('says typing once per renewal period while keys come, and stops when emptied', () => {
    const { sent, typing, advance } = notifier();
    typing.input(true);
    advance(1000);
    typing.input(true);
    expect(sent).toEqual([true]);
    for (let t = 0; t < TYPING_RENEW_MS; t += 1000) {
      advance(1000);
      typing.input(true);
    }
    expect(sent).toEqual([true, true]);
    typing.input(false);
    expect(sent).toEqual([true, true, false]);
    typing.input(false);
    expect(sent).toEqual([true, true, false]);
  });

  it('stops after a pause without keystrokes', () => {
    const { sent, typing, advance } = notifier();
    typing.input(true);
    advance(TYPING_IDLE_MS - 1);
    expect(sent).toEqual([true]);
    advance(1);
    expect(sent).toEqual([true, false]);
  });

  it('stop() after sending says false once, and nothing when not typing', () => {
    const { sent, typing } = notifier();
    typing.stop();
    expect(sent).toEqual([]);
    typing.input(true);
    typing.stop();
    typing.stop();
    expect(sent).toEqual([true, false]);
  });

  it('ignores a failing send', async () => {
    const { sent, typing } = notifier(true);
    typing.input(true);
    typing.stop();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toEqual([true, false]);
  });
});
