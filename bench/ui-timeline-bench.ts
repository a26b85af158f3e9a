import { rm } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { buildApp, launchChromium, serveApp } from '../test/e2e/helpers/browser.js';
import type { Figure } from './harness.js';
import { PAGE_TIMING } from './in-page.js';

/**
 * The room timeline in Chromium, the built app with a real node in its worker
 * (`?test` hooks): the longest main-thread task (PerformanceObserver
 * `longtask`) while 1,000 events a second stream into an open room for 5 s
 * (sent from the page in batches with `api.sendMessages`, so the node's work
 * happens in the worker and the page only renders), and a 100,000-event room
 * scrolled from its newest message to its start. In-page code is text, as in
 * browser-node-bench.ts. Run alone: `node --import tsx bench/ui-timeline-bench.ts`.
 */

/** Long task budget: a task over this blocks input noticeably. */
const LONG_TASK_GOAL_MS = 50;

/** In-page helpers: a deep query, the timeline and its scroller, a long-task recorder. */
const HELPERS = `
  const deep = (selector) => {
    const found = [];
    const walk = (root) => {
      found.push(...root.querySelectorAll(selector));
      for (const element of root.querySelectorAll('*')) if (element.shadowRoot) walk(element.shadowRoot);
    };
    walk(document);
    return found;
  };
  // Found once (again only if replaced): a walk of the whole page every frame would be
  // the harness's own work, growing with the DOM, counted as the page's long tasks.
  let timelineElement;
  const timeline = () =>
    timelineElement?.isConnected ? timelineElement : (timelineElement = deep('tp-timeline')[0]);
  const scroller = () => timeline()?.shadowRoot?.querySelector('.scroller');
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  ${PAGE_TIMING}
  const openRoom = async (roomId, lastBody) => {
    location.hash = '#room=' + encodeURIComponent(roomId);
    await until(() => timeline()?.shown?.at(-1)?.content?.body === lastBody, 60000, 'the room to open');
  };
`;

/** Streams `rate` events/s for `ms` into an open room; the long tasks meanwhile. */
const stream = `async ({ rate, ms, batch }) => {
  ${HELPERS}
  const api = window.__tidepool.api;
  const roomId = await api.createRoom({ name: 'Stream' });
  await api.sendMessage(roomId, { msgtype: 'm.text', body: 'Before the stream' });
  await openRoom(roomId, 'Before the stream');
  await sleep(500);
  const tasks = recordTasks();
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < ms) {
    const due = Math.floor(((performance.now() - start) * rate) / 1000) + batch;
    if (sent >= due) { await sleep(5); continue; }
    const messages = Array.from({ length: batch }, (_, i) => ({
      msgtype: 'm.text',
      body: 'Streamed message ' + (sent + i) + ': the quick brown fox jumps over the lazy dog',
    }));
    await api.sendMessages(roomId, messages);
    sent += batch;
  }
  const sendMs = performance.now() - start;
  const lastBody = 'Streamed message ' + (sent - 1) + ': the quick brown fox jumps over the lazy dog';
  await until(() => timeline().shown.at(-1)?.content?.body === lastBody, 60000, 'the last streamed message');
  const shownMs = performance.now() - start;
  const durations = tasks.stop();
  return {
    sent,
    sendMs,
    shownMs,
    longest: Math.max(0, ...durations),
    longTasks: durations.length,
    inDom: deep('tp-timeline-item').length,
  };
}`;

/** Seeds `total` messages into a new room, in batches of `batch`. */
const seed = `async ({ total, batch }) => {
  const api = window.__tidepool.api;
  const roomId = await api.createRoom({ name: 'Huge' });
  for (let sent = 0; sent < total; sent += batch) {
    await api.sendMessages(roomId, Array.from({ length: Math.min(batch, total - sent) }, (_, i) => ({
      msgtype: 'm.text',
      body: 'Old message ' + (sent + i),
    })));
  }
  return roomId;
}`;

/** Opens the room and scrolls from the newest message to the start, as a user's wheel would. */
const scrollToStart = `async ({ roomId, last, timeoutMs }) => {
  ${HELPERS}
  await openRoom(roomId, last);
  await sleep(500);
  const tasks = recordTasks();
  const start = performance.now();
  let reachedStart = false;
  while (performance.now() - start < timeoutMs) {
    const s = scroller();
    s.dispatchEvent(new WheelEvent('wheel', { deltaY: -2000 }));
    s.scrollTop = Math.max(0, s.scrollTop - 5000);
    await frame();
    if (timeline().shadowRoot.textContent.includes('This is the start of the room')) {
      reachedStart = true;
      break;
    }
  }
  const ms = performance.now() - start;
  const durations = tasks.stop();
  return {
    reachedStart,
    ms,
    loaded: timeline().shown.length,
    longest: Math.max(0, ...durations),
    longTasks: durations.length,
    inDom: deep('tp-timeline-item').length,
  };
}`;

/** Progress on stderr, so a long run shows where it is. */
function progress(line: string): void {
  console.error(`[ui-timeline-bench] ${line}`);
}

function evaluate<T>(page: Page, fn: string, args: unknown): Promise<T> {
  return page.evaluate(`(${fn})(${JSON.stringify(args)})`) as Promise<T>;
}

/**
 * The page's main-thread CPU time (Chromium's `ThreadTime` metric), in s. On a
 * shared machine a task's wall time includes waiting for a core; this says how
 * much of the run was the page's own work.
 */
async function mainThreadCpu(page: Page): Promise<() => Promise<number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const read = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'ThreadTime')?.value ?? Number.NaN;
  };
  const start = await read();
  return async () => (await read()) - start;
}

function goal(ms: number): string {
  return `goal: no task over ${LONG_TASK_GOAL_MS} ms: ${ms <= LONG_TASK_GOAL_MS ? 'met' : 'NOT met'}`;
}

/** Options for measureUiTimeline. */
export interface UiTimelineBenchOptions {
  /** Events per second streamed (default 1,000). */
  rate?: number;
  /** How long the stream lasts, ms (default 5,000). */
  streamMs?: number;
  /** Events in the large room (default 100,000). */
  roomEvents?: number;
  /** How long the scroll to the start may take before it is reported unfinished (default 10 min). */
  scrollTimeoutMs?: number;
}

/** Builds the app, runs a node in Chromium and measures the timeline. */
export async function measureUiTimeline(options: UiTimelineBenchOptions = {}): Promise<Figure[]> {
  const { rate = 1000, streamMs = 5000, roomEvents = 100_000 } = options;
  const scrollTimeoutMs = options.scrollTimeoutMs ?? 10 * 60_000;
  const outDir = await buildApp();
  try {
    const server = await serveApp(outDir);
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(`${server.url}?test&node=uibench`);
      await page.waitForFunction('window.__tidepool !== undefined || window.__tidepoolStartError');
      const streamCpu = await mainThreadCpu(page);
      const streamed = await evaluate<{
        sent: number;
        sendMs: number;
        shownMs: number;
        longest: number;
        longTasks: number;
        inDom: number;
      }>(page, stream, { rate, ms: streamMs, batch: Math.max(1, Math.round(rate / 10)) });
      const streamCpuS = await streamCpu();
      progress(`streamed: ${JSON.stringify(streamed)}, main thread CPU ${streamCpuS.toFixed(1)} s`);
      const roomId = await evaluate<string>(page, seed, { total: roomEvents, batch: 1000 });
      progress(`seeded ${roomEvents} events`);
      const scrollCpu = await mainThreadCpu(page);
      const scrolled = await evaluate<{
        reachedStart: boolean;
        ms: number;
        loaded: number;
        longest: number;
        longTasks: number;
        inDom: number;
      }>(page, scrollToStart, {
        roomId,
        last: `Old message ${roomEvents - 1}`,
        timeoutMs: scrollTimeoutMs,
      });
      const scrollCpuS = await scrollCpu();
      progress(`scrolled: ${JSON.stringify(scrolled)}, main thread CPU ${scrollCpuS.toFixed(1)} s`);
      const events = roomEvents.toLocaleString('en-US');
      return [
        {
          label: `stream ${rate.toLocaleString('en-US')} events/s for ${streamMs / 1000} s: sent`,
          value: (streamed.sent * 1000) / streamed.sendMs,
          unit: 'events/s',
          note: `${streamed.sent} events; the last shown ${(streamed.shownMs - streamed.sendMs).toFixed(0)} ms after the stream ended; main thread CPU ${streamCpuS.toFixed(1)} s in ${(streamed.shownMs / 1000).toFixed(1)} s`,
        },
        {
          label: 'stream: longest main-thread task',
          value: streamed.longest,
          unit: 'ms',
          note: `${streamed.longTasks} tasks over 50 ms; ${goal(streamed.longest)}`,
        },
        {
          label: 'stream: timeline items in the DOM at the end',
          value: streamed.inDom,
          unit: 'elements',
        },
        {
          label: `${events}-event room scrolled from end to start`,
          value: scrolled.ms,
          unit: 'ms',
          note: scrolled.reachedStart
            ? `${scrolled.loaded.toLocaleString('en-US')} items held at the end, ${scrolled.inDom} in the DOM; main thread CPU ${scrollCpuS.toFixed(1)} s`
            : `did NOT reach the start: ${scrolled.loaded} items held; main thread CPU ${scrollCpuS.toFixed(1)} s`,
        },
        {
          label: 'scroll to start: longest main-thread task',
          value: scrolled.longest,
          unit: 'ms',
          note: `${scrolled.longTasks} tasks over 50 ms; ${goal(scrolled.longest)}`,
        },
      ];
    } finally {
      await browser.close();
      await server.stop();
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { printSection } = await import('./harness.js');
  const roomEvents = Number(process.env.TIDEPOOL_UI_BENCH_EVENTS ?? 100_000);
  printSection(
    'The timeline in Chromium (a bounded window of items, node in its worker)',
    await measureUiTimeline({ roomEvents }),
  );
}
