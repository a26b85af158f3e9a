import { describe, expect, it } from 'vitest';
import { type LayoutInput, layoutGraph } from '../../src/ui/event-graph-layout.js';
import { type PackedLayout, packLayout } from '../../src/ui/event-graph-layout-pack.js';
import { type LayoutBackend, LayoutRunner } from '../../src/ui/event-graph-layout-runner.js';

const chain = (prefix: string, length: number): LayoutInput[] =>
  Array.from({ length }, (_, i) => ({
    eventId: `$${prefix}${i}`,
    depth: i + 1,
    prevEvents: i === 0 ? [] : [`$${prefix}${i - 1}`],
  }));

/**
 * A backend that lays out for real (layoutGraph) but answers only when the
 * test releases the call, so the order of calls and answers is the test's.
 */
class GatedBackends {
  /** Every backend started, and the calls each received. */
  readonly started: { calls: string[]; closed: boolean }[] = [];
  readonly #gates: { release: () => void; fail: (error: Error) => void }[] = [];

  start = (): LayoutBackend => {
    const record = { calls: [] as string[], closed: false };
    this.started.push(record);
    return {
      layout: (nodes: LayoutInput[]) => {
        record.calls.push(nodes[0]?.eventId ?? '(empty)');
        return new Promise<PackedLayout>((resolve, reject) => {
          this.#gates.push({
            release: () => resolve(packLayout(layoutGraph(nodes))),
            fail: reject,
          });
        });
      },
      close: () => {
        record.closed = true;
      },
    };
  };

  /** Answers the oldest unanswered call. */
  async release(): Promise<void> {
    this.#gates.shift()?.release();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }

  async fail(error: Error): Promise<void> {
    this.#gates.shift()?.fail(error);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

describe('LayoutRunner', () => {
  it('runs one layout at a time, and of those waiting only the newest', async () => {
    const backends = new GatedBackends();
    const runner = new LayoutRunner(backends.start);
    const a = runner.run(chain('a', 3));
    const b = runner.run(chain('b', 4));
    const c = runner.run(chain('c', 5));
    expect(await b).toBeUndefined();
    expect(runner.busy).toBe(true);
    await backends.release();
    expect([...((await a)?.positions.keys() ?? [])]).toEqual(['$a0', '$a1', '$a2']);
    await backends.release();
    expect((await c)?.positions.size).toBe(5);
    expect(backends.started).toEqual([{ calls: ['$a0', '$c0'], closed: false }]);
    expect(runner.busy).toBe(false);
  });

  it('drops the running layout on cancel, ends its backend and starts a new one after', async () => {
    const backends = new GatedBackends();
    const runner = new LayoutRunner(backends.start);
    const old = runner.run(chain('old', 3));
    const waiting = runner.run(chain('waiting', 3));
    runner.cancel();
    expect(await old).toBeUndefined();
    expect(await waiting).toBeUndefined();
    expect(backends.started[0]?.closed).toBe(true);
    const fresh = runner.run(chain('new', 2));
    // The old backend answering late changes nothing.
    await backends.release();
    expect(runner.busy).toBe(true);
    await backends.release();
    expect([...((await fresh)?.positions.keys() ?? [])]).toEqual(['$new0', '$new1']);
    expect(backends.started.map((s) => s.calls)).toEqual([['$old0'], ['$new0']]);
  });

  it('fails a layout whose backend failed, and starts a new backend for the next', async () => {
    const backends = new GatedBackends();
    const runner = new LayoutRunner(backends.start);
    const broken = runner.run(chain('x', 2));
    const next = runner.run(chain('y', 2));
    const failure = expect(broken).rejects.toThrow('it did not load');
    await backends.fail(new Error('it did not load'));
    await failure;
    expect(backends.started[0]?.closed).toBe(true);
    await backends.release();
    expect((await next)?.positions.size).toBe(2);
    expect(backends.started.map((s) => s.calls)).toEqual([['$x0'], ['$y0']]);
  });
});
