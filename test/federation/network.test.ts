import { describe, expect, it } from 'vitest';
import { MemoryNetwork } from '../../src/federation/memory-network.js';
import { ManualClock } from '../../src/federation/network-clock.js';
import type { FederationResponse, RequestHandler } from '../../src/federation/transport.js';
import { runTransportSuite } from './transport-suite.js';

const ok = (label: string): FederationResponse => ({
  status: 200,
  headers: {},
  body: new TextEncoder().encode(label),
});

/** A network of nodes a, b, c, d whose handlers count calls and echo the path. */
function setup(seed = 1, clock?: ManualClock) {
  const network = new MemoryNetwork(clock ? { seed, clock } : { seed });
  const calls: Record<string, string[]> = {};
  for (const name of ['a', 'b', 'c', 'd']) {
    calls[name] = [];
    const handler: RequestHandler = async (req) => {
      calls[name]!.push(req.path);
      return ok(`${name}${req.path}`);
    };
    network.addNode(name, handler);
  }
  const send = (from: string, to: string, path = '/x') =>
    network.transportFor(from).request(to, { method: 'GET', path, headers: {} });
  return { network, calls, send };
}

/** Outcome names of `n` sends, for comparing runs. */
async function outcomes(run: ReturnType<typeof setup>, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      await run.send('a', 'b', `/${i}`).then(
        () => 'ok',
        (e: Error) => e.name,
      ),
    );
  }
  return out;
}

runTransportSuite('MemoryNetwork', async (handler) => {
  const network = new MemoryNetwork();
  network.addNode('server.test', handler);
  return { transport: network.transportFor('client.test'), destination: 'server.test' };
});

describe('MemoryNetwork faults', () => {
  it('partition cuts links between groups only, and heal restores them', async () => {
    const run = setup();
    run.network.partition([['a', 'b'], ['c']]);
    const cases: [string, string, string][] = [
      ['a', 'b', 'ok'],
      ['b', 'a', 'ok'],
      ['a', 'c', 'TransportUnreachableError'],
      ['c', 'b', 'TransportUnreachableError'],
      ['d', 'c', 'ok'], // d is in no group: it reaches everyone
      ['a', 'd', 'ok'],
    ];
    for (const [from, to, expected] of cases) {
      const got = await run.send(from, to).then(
        () => 'ok',
        (e: Error) => e.name,
      );
      expect(`${from}->${to} ${got}`).toBe(`${from}->${to} ${expected}`);
    }
    run.network.heal();
    await expect(run.send('a', 'c')).resolves.toMatchObject({ status: 200 });
  });

  it('an offline node neither receives nor sends; unknown nodes are unreachable', async () => {
    const run = setup();
    run.network.setOffline('b');
    await expect(run.send('a', 'b')).rejects.toMatchObject({
      name: 'TransportUnreachableError',
      retryable: true,
      destination: 'b',
    });
    await expect(run.send('b', 'a')).rejects.toThrow(/we are offline/);
    await expect(run.send('a', 'nowhere')).rejects.toThrow(/no such node/);
    run.network.setOffline('b', false);
    await expect(run.send('a', 'b')).resolves.toMatchObject({ status: 200 });
    expect(run.calls.b).toEqual(['/x']);
  });

  it('drop: certain loss is a retryable timeout; partial loss replays the same for a seed', async () => {
    const certain = setup();
    certain.network.setLinkConditions('a', 'b', { drop: 1 });
    await expect(certain.send('a', 'b')).rejects.toMatchObject({
      name: 'TransportTimeoutError',
      retryable: true,
    });
    expect(certain.calls.b).toEqual([]); // the request leg was lost

    const first = setup(42);
    const second = setup(42);
    const other = setup(43);
    for (const run of [first, second, other]) {
      run.network.setNodeConditions('b', { drop: 0.5 });
    }
    const a = await outcomes(first, 40);
    expect(await outcomes(second, 40)).toEqual(a);
    expect(await outcomes(other, 40)).not.toEqual(a);
    expect(a.filter((o) => o === 'ok').length).toBeGreaterThan(0);
    expect(a.filter((o) => o === 'TransportTimeoutError').length).toBeGreaterThan(0);
    // A lost response means the handler ran but the caller saw a timeout:
    // more handler calls than successes (what at-least-once delivery means).
    expect(first.calls.b!.length).toBeGreaterThan(a.filter((o) => o === 'ok').length);
  });

  it('duplicate delivers the request twice and returns one response', async () => {
    const run = setup();
    run.network.setLinkConditions('a', 'b', { duplicate: 1 });
    const response = await run.send('a', 'b', '/dup');
    expect(new TextDecoder().decode(response.body)).toBe('b/dup');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(run.calls.b).toEqual(['/dup', '/dup']);
    expect(run.network.deliveries.map((d) => d.duplicate)).toEqual([false, true]);
  });

  it('delay holds messages until the clock moves; reorder lets later ones overtake', async () => {
    const clock = new ManualClock();
    const run = setup(5, clock);
    run.network.setLinkConditions('a', 'b', { delayMs: 100 });
    let done = false;
    const pending = run.send('a', 'b').then(() => {
      done = true;
    });
    await clock.advance(150);
    expect(done).toBe(false); // request leg arrived at 100, response leg needs 200
    expect(run.calls.b).toEqual(['/x']);
    await clock.advance(50);
    await pending;
    expect(done).toBe(true);

    run.network.setLinkConditions('a', 'b', { reorderMs: 1000 });
    const sends = Array.from({ length: 10 }, (_, i) => run.send('a', 'b', `/${i}`));
    await clock.advance(2000);
    await Promise.all(sends);
    const arrived = run.calls.b!.slice(1);
    expect([...arrived].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `/${i}`).sort());
    expect(arrived).not.toEqual(Array.from({ length: 10 }, (_, i) => `/${i}`));
  });

  it('a partition during a request loses its response', async () => {
    const clock = new ManualClock();
    const run = setup(1, clock);
    run.network.setLinkConditions('a', 'b', { delayMs: 10 });
    const pending = run.send('a', 'b');
    await clock.advance(10); // delivered
    run.network.partition([['a'], ['b']]);
    const result = pending.then(
      () => 'ok',
      (e: Error) => e.name,
    );
    await clock.advance(10);
    expect(await result).toBe('TransportTimeoutError');
    expect(run.calls.b).toEqual(['/x']);
  });

  it('a handler that throws becomes a 500 with a JSON error body', async () => {
    const network = new MemoryNetwork();
    network.addNode('b', async () => {
      throw new Error('bug');
    });
    const response = await network.transportFor('a').request('b', {
      method: 'GET',
      path: '/x',
      headers: {},
    });
    expect(response.status).toBe(500);
    expect(JSON.parse(new TextDecoder().decode(response.body))).toMatchObject({
      errcode: 'M_UNKNOWN',
    });
  });
});
