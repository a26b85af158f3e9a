import type { Connection, Stream } from '@libp2p/interface';
import { describe, expect, it } from 'vitest';
import { SpareStreams } from '../../src/transport/spare-streams.js';

/**
 * The spare-stream bookkeeping alone, over minimal stand-ins for a libp2p
 * connection and its streams (only the fields SpareStreams reads). The real
 * streams are exercised by the e2e transport tests in two Chromiums.
 */
function connection(): Connection {
  return { status: 'open' } as unknown as Connection;
}

interface TestStream {
  id: number;
  status: string;
  writeStatus: string;
  readStatus: string;
  remoteReadStatus: string;
  aborted: boolean;
  abort(): void;
}

function stream(id: number): TestStream {
  return {
    id,
    status: 'open',
    writeStatus: 'writable',
    readStatus: 'readable',
    remoteReadStatus: 'readable',
    aborted: false,
    abort() {
      this.aborted = true;
    },
  };
}

/** Opens that finish when the test says so, in the order they were asked for. */
function gatedOpens() {
  const opened: TestStream[] = [];
  const finish: (() => void)[] = [];
  let next = 1;
  const open = () =>
    new Promise<Stream>((resolve) => {
      const s = stream(next++);
      opened.push(s);
      finish.push(() => resolve(s as unknown as Stream));
    });
  return { opened, finish, open };
}

const idOf = (s: Stream) => (s as unknown as TestStream).id;
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SpareStreams', () => {
  it('waits for a spare still opening instead of opening another', async () => {
    const { opened, finish, open } = gatedOpens();
    const spares = new SpareStreams(open, 5_000);
    const link = connection();
    spares.refill(link);
    const taking = spares.take(link, new AbortController().signal);
    await tick(5);
    finish[0]?.();
    expect(idOf(await taking)).toBe(1);
    expect(opened).toHaveLength(1);
  });

  it('opens its own when the spare takes too long, and keeps the late spare for the next request', async () => {
    const { opened, finish, open } = gatedOpens();
    const spares = new SpareStreams(open, 5_000);
    const link = connection();
    spares.refill(link);
    const taking = spares.take(link, new AbortController().signal);
    await tick(60);
    expect(opened).toHaveLength(2);
    finish[1]?.();
    expect(idOf(await taking)).toBe(2);
    finish[0]?.();
    await tick(0);
    expect(opened[0]?.aborted).toBe(false);
    expect(idOf(await spares.take(link, new AbortController().signal))).toBe(1);
  });

  it('gives a spare to one of two requests waiting for it; the other opens its own', async () => {
    const { opened, finish, open } = gatedOpens();
    const spares = new SpareStreams(open, 5_000);
    const link = connection();
    spares.refill(link);
    const first = spares.take(link, new AbortController().signal);
    const second = spares.take(link, new AbortController().signal);
    finish[0]?.();
    await tick(0);
    finish[1]?.();
    const ids = [idOf(await first), idOf(await second)].sort();
    expect(ids).toEqual([1, 2]);
    expect(opened).toHaveLength(2);
  });
});
