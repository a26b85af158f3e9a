/**
 * The message path between two nodes in Node, without real links: two real
 * FederatedNodes over fake-indexeddb and the MemoryNetwork (the in-memory
 * part of p2p-bench.ts, with more samples), so what it measures is the
 * node's own path: sign, store, queue, `/send`, verify, persist, notify.
 *
 * - latency: LATENCY_SAMPLES messages sent one at a time, from just before
 *   A's `sendMessage` until B has its timeline item (from B's change
 *   notification, or read after it when the change carries no items); p50
 *   and p99.
 * - sustained: THROUGHPUT_EVENTS messages sent in batches of BATCH through
 *   `sendMessages`, from the first send until B's timeline shows the last.
 *
 * Run alone: `node_modules/.bin/node --import tsx bench/message-path.ts`
 * (add `--cpu-prof` to profile).
 */
import type { TimelineItem } from '../src/node/api.js';
import { federation } from '../test/federation/join/helpers.js';

const WARM_UP = 20;
const LATENCY_SAMPLES = 300;
const THROUGHPUT_EVENTS = 3_000;
const BATCH = 50;

/** The figures of one run. */
export interface MessagePathFigures {
  p50: number;
  p99: number;
  eventsPerSec: number;
  /** Process CPU time (user + system) per latency message, in ms: steadier than wall time on a loaded machine. */
  cpuPerMessage: number;
  /** Process CPU time per event of the sustained run, in ms. */
  cpuPerEvent: number;
}

/** Process CPU time since `since` (a `process.cpuUsage()`), in ms. */
function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

/** Measures one run; see the file comment. */
export async function measureMessagePath(): Promise<MessagePathFigures> {
  const { servers } = await federation(2);
  const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
  const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'bench' });
  await b.fed.joinRoom(roomId, [a.name]);

  const arrivals = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  let reading = Promise.resolve();
  let again = false;
  const shown = (items: readonly TimelineItem[]) => {
    const at = performance.now();
    for (const item of items) {
      const body = String(item.content.body);
      if (item.type !== 'm.room.message' || arrivals.has(body)) continue;
      arrivals.set(body, at);
      waiters.get(body)?.();
    }
  };
  await b.node.subscribe((change) => {
    if (change.kind !== 'timeline' || change.roomId !== roomId) return;
    // As the timeline view: the change's own items when it carries them, else a read.
    if (change.items !== undefined) return shown(change.items);
    if (again) return;
    again = true;
    reading = reading.then(async () => {
      again = false;
      shown((await b.node.timeline(roomId, { limit: 60 })).items);
    });
  });
  const arrival = (body: string): Promise<number> => {
    const at = arrivals.get(body);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${body} never arrived`)), 60_000);
      waiters.set(body, () => {
        clearTimeout(timer);
        waiters.delete(body);
        resolve(arrivals.get(body)!);
      });
    });
  };
  const text = (body: string) => ({ msgtype: 'm.text' as const, body });

  for (let i = 0; i < WARM_UP; i++) {
    await a.node.sendMessage(roomId, text(`warm-${i}`));
    await arrival(`warm-${i}`);
  }
  const latencies: number[] = [];
  const latencyCpu = process.cpuUsage();
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const sent = performance.now();
    await a.node.sendMessage(roomId, text(`lat-${i}`));
    latencies.push((await arrival(`lat-${i}`)) - sent);
  }
  const cpuPerMessage = cpuMs(latencyCpu) / LATENCY_SAMPLES;
  const throughputCpu = process.cpuUsage();
  const started = performance.now();
  const last = arrival(`tp-${THROUGHPUT_EVENTS - 1}`);
  for (let start = 0; start < THROUGHPUT_EVENTS; start += BATCH) {
    await a.node.sendMessages(
      roomId,
      Array.from({ length: BATCH }, (_, i) => text(`tp-${start + i}`)),
    );
  }
  const done = await last;
  const cpuPerEvent = cpuMs(throughputCpu) / THROUGHPUT_EVENTS;
  for (const server of servers) await server.fed.close();
  const sorted = latencies.sort((x, y) => x - y);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    eventsPerSec: (THROUGHPUT_EVENTS * 1000) / (done - started),
    cpuPerMessage,
    cpuPerEvent,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  measureMessagePath()
    .then((f) => {
      console.log(
        `message latency p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms; ` +
          `sustained ${f.eventsPerSec.toFixed(0)} events/s; CPU ${f.cpuPerMessage.toFixed(2)} ms/message, ` +
          `${f.cpuPerEvent.toFixed(3)} ms/event`,
      );
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
