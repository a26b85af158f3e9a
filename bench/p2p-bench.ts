/**
 * Federation between two browser nodes over real links: the relay process,
 * two separate Chromium processes, the built app. For each carrier (direct
 * WebRTC; the relayed circuit, `?relayed`) node B joins node A's room, then:
 *
 * - latency: A sends one message at a time; timed from just before A's
 *   `sendMessage` (sign, store, queue, send) until B's page has its timeline
 *   item after the node's change notification (received, verified,
 *   persisted, shown), as the timeline view gets it: from the change itself
 *   when it carries the new items, else by reading the newest 60. Both pages
 *   stamp `performance.timeOrigin + now()`, one wall clock on one machine.
 *   p50 and p99 of LATENCY_SAMPLES.
 * - request round trip: GET /version from A's page to B's worker, back to
 *   back; "spaced": the same with SPACING_MS between requests, as messages go.
 * - throughput: A sends THROUGHPUT_EVENTS messages in batches of 50 as fast as
 *   it can; events/s from the first send until B shows the last one.
 *
 * The baseline is the same two measures between two nodes in Node over the
 * in-memory transport (fake-indexeddb), so the ratios show what the real
 * links and the browser cost. Goals: p50 ≤ 10 ms, p99 ≤ 50 ms, ≥ 1,000
 * events/s. Run alone: `node_modules/.bin/node --import tsx bench/p2p-bench.ts`.
 */
import { rm } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import type { TimelineItem } from '../src/node/api.js';
import {
  type AppServer,
  buildApp,
  type ChromiumSession,
  launchChromium,
  serveApp,
} from '../test/e2e/helpers/browser.js';
import { startRelayProcess } from '../test/e2e/helpers/relay.js';
import { federation } from '../test/federation/join/helpers.js';
import { type Figure, printSection } from './harness.js';

const LATENCY_SAMPLES = 200;
const THROUGHPUT_EVENTS = 2_000;
const BATCH = 50;

/** One carrier's figures. */
interface CarrierFigures {
  p50: number;
  p99: number;
  eventsPerSec: number;
  /** p50 of a bare request round trip (GET /version, answered by the other node's worker). */
  requestP50: number;
  requestP99: number;
  /**
   * The same request with 5 ms between them, as a conversation sends: the
   * transport may prepare the next stream in the pause (spare-streams.ts).
   */
  spacedP50: number;
  spacedP99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

function summarize(
  latencies: number[],
  eventsPerSec: number,
  requests: number[],
  spaced: number[],
): CarrierFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const requestsSorted = [...requests].sort((a, b) => a - b);
  const spacedSorted = [...spaced].sort((a, b) => a - b);
  return {
    spacedP50: percentile(spacedSorted, 50),
    spacedP99: percentile(spacedSorted, 99),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    eventsPerSec,
    requestP50: percentile(requestsSorted, 50),
    requestP99: percentile(requestsSorted, 99),
  };
}

const VERSION_REQUEST = { method: 'GET', path: '/_matrix/federation/v1/version', headers: {} };
/** The pause between spaced requests. */
const SPACING_MS = 5;

/** In-page: record when each message body first shows in the room's timeline. */
const watchArrivals = (roomId: string) => `(async () => {
  const api = window.__tidepool.api;
  const arrivals = new Map();
  const waiters = new Map();
  window.__benchArrivals = arrivals;
  window.__benchWaiters = waiters;
  const shown = (items) => {
    const at = performance.timeOrigin + performance.now();
    for (const item of items) {
      if (item.type !== 'm.room.message' || arrivals.has(item.content.body)) continue;
      arrivals.set(item.content.body, at);
      waiters.get(item.content.body)?.(at);
    }
  };
  const read = async () => {
    shown((await api.timeline(${JSON.stringify(roomId)}, { limit: 60 })).items);
  };
  let reading = Promise.resolve();
  let again = false;
  const listener = (change) => {
    if (change.kind !== 'timeline' || change.roomId !== ${JSON.stringify(roomId)}) return;
    if (change.items) return shown(change.items);
    if (again) return;
    again = true;
    reading = reading.then(() => { again = false; return read(); });
  };
  await api.subscribe(window.__tidepoolClient.proxy(listener));
})()`;

/**
 * In-page on B: resolves with the arrival time of `body`, waiting for the
 * watcher to see it (no polling: B's main thread also carries libp2p).
 */
const arrivalOf = (body: string) => `(async () => {
  const key = ${JSON.stringify(body)};
  const seen = window.__benchArrivals.get(key);
  if (seen !== undefined) return seen;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('message ' + key + ' never arrived')), 30000);
    window.__benchWaiters.set(key, (at) => {
      clearTimeout(timer);
      window.__benchWaiters.delete(key);
      resolve(at);
    });
  });
})()`;

async function carrier(
  app: AppServer,
  browsers: [ChromiumSession, ChromiumSession],
  relayUrl: string,
  mode: 'direct' | 'relayed',
): Promise<CarrierFigures> {
  const extra = `&relay=${encodeURIComponent(relayUrl)}${mode === 'relayed' ? '&relayed' : ''}`;
  const pages: Page[] = [];
  for (const [i, browser] of browsers.entries()) {
    const page = await browser.context.newPage();
    await page.goto(`${app.url}?test&node=bench-${mode}-${i}${extra}`);
    await page.waitForFunction(
      `window.__tidepoolTransport?.status.state === 'connected'`,
      undefined,
      {
        timeout: 60_000,
      },
    );
    pages.push(page);
  }
  const [a, b] = pages as [Page, Page];
  try {
    const serverA = (await a.evaluate('window.__tidepoolTransport.serverName')) as string;
    const roomId = (await a.evaluate(
      `window.__tidepool.api.createRoom({ preset: 'public_chat', name: 'bench' })`,
    )) as string;
    await b.evaluate(
      `window.__tidepool.api.joinRoom(${JSON.stringify(roomId)}, [${JSON.stringify(serverA)}])`,
    );
    const serverB = (await b.evaluate('window.__tidepoolTransport.serverName')) as string;
    const requests = (await a.evaluate(`(async () => {
      const transport = window.__tidepoolTransport;
      const times = [];
      for (let i = 0; i < ${LATENCY_SAMPLES + 20}; i++) {
        const start = performance.now();
        const response = await transport.request(${JSON.stringify(serverB)}, ${JSON.stringify(VERSION_REQUEST)});
        if (response.status !== 200) throw new Error('version answered ' + response.status);
        if (i >= 20) times.push(performance.now() - start);
      }
      return times;
    })()`)) as number[];
    const spaced = (await a.evaluate(`(async () => {
      const transport = window.__tidepoolTransport;
      const times = [];
      for (let i = 0; i < ${LATENCY_SAMPLES + 20}; i++) {
        await new Promise((resolve) => setTimeout(resolve, ${SPACING_MS}));
        const start = performance.now();
        const response = await transport.request(${JSON.stringify(serverB)}, ${JSON.stringify(VERSION_REQUEST)});
        if (response.status !== 200) throw new Error('version answered ' + response.status);
        if (i >= 20) times.push(performance.now() - start);
      }
      return times;
    })()`)) as number[];
    await b.evaluate(watchArrivals(roomId));
    const send = (body: string) => `(async () => {
      const at = performance.timeOrigin + performance.now();
      await window.__tidepool.api.sendMessage(${JSON.stringify(roomId)}, { msgtype: 'm.text', body: ${JSON.stringify(body)} });
      return at;
    })()`;
    // Warm-up: connections, key caches, JIT.
    for (let i = 0; i < 20; i++) {
      await a.evaluate(send(`warm-${i}`));
      await b.evaluate(arrivalOf(`warm-${i}`));
    }
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const sent = (await a.evaluate(send(`lat-${i}`))) as number;
      const shown = (await b.evaluate(arrivalOf(`lat-${i}`))) as number;
      latencies.push(shown - sent);
    }
    const started = (await a.evaluate(`(async () => {
      const at = performance.timeOrigin + performance.now();
      const api = window.__tidepool.api;
      for (let start = 0; start < ${THROUGHPUT_EVENTS}; start += ${BATCH}) {
        const batch = [];
        for (let i = start; i < start + ${BATCH}; i++) batch.push({ msgtype: 'm.text', body: 'tp-' + i });
        await api.sendMessages(${JSON.stringify(roomId)}, batch);
      }
      return at;
    })()`)) as number;
    const last = (await b.evaluate(arrivalOf(`tp-${THROUGHPUT_EVENTS - 1}`))) as number;
    return summarize(latencies, (THROUGHPUT_EVENTS * 1000) / (last - started), requests, spaced);
  } finally {
    await Promise.all(pages.map((page) => page.close()));
  }
}

/** The baseline: two nodes in Node over the in-memory transport. */
async function inMemory(): Promise<CarrierFigures> {
  const { servers, network } = await federation(2);
  const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
  const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'bench' });
  await b.fed.joinRoom(roomId, [a.name]);
  const requests: number[] = [];
  const spaced: number[] = [];
  const transport = network.transportFor(a.name);
  for (let i = 0; i < LATENCY_SAMPLES + 20; i++) {
    const start = performance.now();
    await transport.request(b.name, VERSION_REQUEST);
    if (i >= 20) requests.push(performance.now() - start);
  }
  for (let i = 0; i < LATENCY_SAMPLES + 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
    const start = performance.now();
    await transport.request(b.name, VERSION_REQUEST);
    if (i >= 20) spaced.push(performance.now() - start);
  }
  const arrivals = new Map<string, number>();
  let reading = Promise.resolve();
  const shown = (items: readonly TimelineItem[]) => {
    const at = performance.now();
    for (const item of items) {
      const body = String(item.content.body);
      if (item.type === 'm.room.message' && !arrivals.has(body)) arrivals.set(body, at);
    }
  };
  await b.node.subscribe((change) => {
    if (change.kind !== 'timeline' || change.roomId !== roomId) return;
    // As the browser's watcher: the change's own items when it carries them.
    if (change.items !== undefined) return shown(change.items);
    reading = reading.then(async () => shown((await b.node.timeline(roomId, { limit: 60 })).items));
  });
  const arrival = async (body: string): Promise<number> => {
    const deadline = performance.now() + 30_000;
    for (;;) {
      const at = arrivals.get(body);
      if (at !== undefined) return at;
      if (performance.now() > deadline) throw new Error(`${body} never arrived`);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  const text = (body: string) => ({ msgtype: 'm.text' as const, body });
  for (let i = 0; i < 20; i++) {
    await a.node.sendMessage(roomId, text(`warm-${i}`));
    await arrival(`warm-${i}`);
  }
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const sent = performance.now();
    await a.node.sendMessage(roomId, text(`lat-${i}`));
    latencies.push((await arrival(`lat-${i}`)) - sent);
  }
  const started = performance.now();
  for (let start = 0; start < THROUGHPUT_EVENTS; start += BATCH) {
    await a.node.sendMessages(
      roomId,
      Array.from({ length: BATCH }, (_, i) => text(`tp-${start + i}`)),
    );
  }
  const last = await arrival(`tp-${THROUGHPUT_EVENTS - 1}`);
  for (const server of servers) await server.fed.close();
  return summarize(latencies, (THROUGHPUT_EVENTS * 1000) / (last - started), requests, spaced);
}

function goal(value: number, limit: number, higherIsBetter: boolean): string {
  const met = higherIsBetter ? value >= limit : value <= limit;
  return `goal ${higherIsBetter ? '≥' : '≤'} ${limit.toLocaleString('en-US')}: ${met ? 'met' : 'NOT met'}`;
}

function ratio(value: number, baseline: number): string {
  return `${(value / baseline).toFixed(2)}× in-memory`;
}

/** The figures; see the file comment. */
export async function measureP2p(): Promise<Figure[]> {
  const memory = await inMemory();
  const relay = await startRelayProcess();
  const outDir = await buildApp();
  let app: AppServer | undefined;
  const browsers: ChromiumSession[] = [];
  try {
    app = await serveApp(outDir);
    browsers.push(await launchChromium(), await launchChromium());
    const pair = browsers as [ChromiumSession, ChromiumSession];
    const direct = await carrier(app, pair, relay.httpUrl, 'direct');
    const relayed = await carrier(app, pair, relay.httpUrl, 'relayed');
    const figures: Figure[] = [];
    for (const [name, f] of [
      ['in-memory (Node, baseline)', memory],
      ['WebRTC browser→browser', direct],
      ['relayed circuit browser→browser', relayed],
    ] as const) {
      const base = f === memory;
      figures.push(
        {
          label: `${name}: request round trip p50`,
          value: f.requestP50,
          unit: 'ms',
          note: base ? '' : ratio(f.requestP50, memory.requestP50),
        },
        {
          label: `${name}: request round trip p99`,
          value: f.requestP99,
          unit: 'ms',
          note: base ? '' : ratio(f.requestP99, memory.requestP99),
        },
        {
          label: `${name}: spaced request p50`,
          value: f.spacedP50,
          unit: 'ms',
          note: base ? '' : ratio(f.spacedP50, memory.spacedP50),
        },
        {
          label: `${name}: spaced request p99`,
          value: f.spacedP99,
          unit: 'ms',
          note: base ? '' : ratio(f.spacedP99, memory.spacedP99),
        },
        {
          label: `${name}: message latency p50`,
          value: f.p50,
          unit: 'ms',
          note: base ? '' : `${ratio(f.p50, memory.p50)}; ${goal(f.p50, 10, false)}`,
        },
        {
          label: `${name}: message latency p99`,
          value: f.p99,
          unit: 'ms',
          note: base ? '' : `${ratio(f.p99, memory.p99)}; ${goal(f.p99, 50, false)}`,
        },
        {
          label: `${name}: sustained`,
          value: f.eventsPerSec,
          unit: 'events/s',
          note: base
            ? ''
            : `${ratio(f.eventsPerSec, memory.eventsPerSec)}; ${goal(f.eventsPerSec, 1000, true)}`,
        },
      );
    }
    return figures;
  } finally {
    await Promise.allSettled(browsers.map((browser) => browser.close()));
    await app?.stop();
    await relay.dispose();
    await rm(outDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  measureP2p()
    .then((figures) => printSection('Federation between browser nodes (libp2p)', figures))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
