import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  buildApp,
  type ChromiumSession,
  launchChromium,
  serveApp,
} from '../test/e2e/helpers/browser.js';
import { IN_FLIGHT } from './crypto-bench.js';
import { type Figure, ratioNote } from './harness.js';

/**
 * The node in Chromium, through its worker (`window.__tidepool` of the built
 * app opened with `?test`): local sends per second, one at a time and in
 * batches of 100, against the WebCrypto Ed25519 sign rate of the same page;
 * the page→worker round trip; bytes stored per event against its canonical
 * JSON; and the time from navigation start to a ready node holding 10,000
 * events. In-page code is text, as in browser-crypto.ts.
 */

/** Events seeded before the reload timing (and measured for storage). */
const SEEDED_EVENTS = 10_000;
const BATCH = 100;

/** `rate(op)`: warm-up, then about `ms` of `op` (returns items done); items per second. */
const rateHelper = `const rate = async (op, ms) => {
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) await op();
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) { count += await op(); elapsed = performance.now() - start; }
  return (count * 1000) / elapsed;
};`;

const signRate = `async ({ ms, inFlight }) => {
  ${rateHelper}
  const core = window.__tidepoolCore;
  const seed = new Uint8Array(32).map((_, i) => i + 1);
  const message = new TextEncoder().encode(JSON.stringify({ a: 'b'.repeat(600), n: 1 }));
  const batch = Array.from({ length: inFlight });
  return rate(async () => {
    await Promise.all(batch.map(() => core.ed25519Sign(message, seed)));
    return inFlight;
  }, ms);
}`;

const sendRates = `async ({ ms, batch }) => {
  ${rateHelper}
  const api = window.__tidepool.api;
  const roomId = await api.createRoom({ name: 'Send rate' });
  let n = 0;
  const message = () => ({ msgtype: 'm.text', body: 'Message number ' + n++ + ' of the send benchmark' });
  const unbatched = await rate(async () => (await api.sendMessage(roomId, message()), 1), ms);
  const batched = await rate(async () => {
    await api.sendMessages(roomId, Array.from({ length: batch }, message));
    return batch;
  }, ms);
  return { unbatched, batched };
}`;

const roundTrip = `async ({ calls }) => {
  const api = window.__tidepool.api;
  for (let i = 0; i < 50; i++) await api.identity();
  const times = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await api.identity();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(calls * 0.5)], p99: times[Math.floor(calls * 0.99)] };
}`;

/** Seeds `total` messages in batches; returns the storage usage delta and canonical JSON bytes. */
const seedAndSize = `async ({ total, batch }) => {
  const api = window.__tidepool.api;
  const core = window.__tidepoolCore;
  const roomId = await api.createRoom({ name: 'Seeded', topic: 'Ten thousand events' });
  for (let sent = 0; sent < total; sent += batch) {
    const messages = Array.from({ length: batch }, (_, i) => ({
      msgtype: 'm.text',
      body: 'Seeded message ' + (sent + i) + ': the quick brown fox jumps over the lazy dog',
    }));
    await api.sendMessages(roomId, messages);
  }
  const identity = await api.identity();
  // Read the node's own database from the page (same origin) for the PDUs.
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('tidepool-' + identity.serverName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const all = await new Promise((resolve, reject) => {
    const request = db.transaction('events').objectStore('events').getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  db.close();
  const records = all.filter((record) => record.roomId === roomId);
  const encoder = new TextEncoder();
  let canonicalBytes = 0;
  let recordBytes = 0;
  for (const record of records) {
    canonicalBytes += encoder.encode(core.canonicalJson(record.pdu)).length;
    recordBytes += encoder.encode(JSON.stringify(record)).length;
  }
  return { roomId, events: records.length, totalEvents: all.length, canonicalBytes, recordBytes };
}`;

/** After a reload: waits for the node, asks identity() (and the room view), returns ms since navigation start. */
const readyTimes = `async ({ roomId }) => {
  while (!window.__tidepool) {
    if (window.__tidepoolStartError) throw new Error(window.__tidepoolStartError.message);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const api = window.__tidepool.api;
  await api.identity();
  const identity = performance.now();
  await Promise.all([api.rooms(), api.timeline(roomId, { limit: 50 }), api.roomState(roomId)]);
  return { identity, roomView: performance.now() };
}`;

function evaluate<T>(page: Page, fn: string, args: unknown): Promise<T> {
  return page.evaluate(`(${fn})(${JSON.stringify(args)})`) as Promise<T>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Builds the app, runs a node in Chromium and measures it. */
export async function measureBrowserNode(durationMs = 2000): Promise<Figure[]> {
  const outDir = await buildApp();
  try {
    const server = await serveApp(outDir);
    try {
      const browser = await launchChromium();
      let speed: Figure[];
      try {
        speed = await measureSpeed(await openNode(browser, server.url), durationMs);
      } finally {
        await browser.close();
      }
      return [...speed, ...(await measureStoredNode(server.url))];
    } finally {
      await server.stop();
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

async function openNode(browser: ChromiumSession, url: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${url}?test&node=bench`);
  await page.waitForFunction('window.__tidepool !== undefined || window.__tidepoolStartError');
  return page;
}

async function measureSpeed(page: Page, durationMs: number): Promise<Figure[]> {
  const sign = await evaluate<number>(page, signRate, { ms: durationMs, inFlight: IN_FLIGHT });
  const sends = await evaluate<{ unbatched: number; batched: number }>(page, sendRates, {
    ms: durationMs,
    batch: BATCH,
  });
  const trip = await evaluate<{ p50: number; p99: number }>(page, roundTrip, { calls: 1000 });
  return [
    { label: 'WebCrypto Ed25519 sign (baseline)', value: sign, unit: 'ops/s' },
    {
      label: 'sendMessage, one at a time',
      value: sends.unbatched,
      unit: 'events/s',
      note: `${(sends.unbatched / sign).toFixed(2)}× sign rate`,
    },
    {
      label: `sendMessages, batches of ${BATCH}`,
      value: sends.batched,
      unit: 'events/s',
      note: `${(sends.batched / sign).toFixed(2)}× sign rate; goal ≥ 2,000 events/s: ${sends.batched >= 2000 ? 'met' : 'NOT met'}`,
    },
    { label: 'page→worker round trip (identity) p50', value: trip.p50, unit: 'ms' },
    { label: 'page→worker round trip (identity) p99', value: trip.p99, unit: 'ms' },
  ];
}

/**
 * A node holding 10,000 events, in a profile of its own so that nothing else
 * is on disk: the IndexedDB files' size right after writing, the time from
 * page load to a ready node after a browser restart, and the files' size
 * again after that restart (LevelDB turns its write log into compressed
 * tables when it reopens). Disk bytes, not navigator.storage.estimate(),
 * which moves with compactions of anything in the origin.
 */
async function measureStoredNode(url: string): Promise<Figure[]> {
  let browser = await launchChromium();
  const profile = browser.profile;
  try {
    const seeded = await evaluate<{
      roomId: string;
      events: number;
      totalEvents: number;
      canonicalBytes: number;
      recordBytes: number;
    }>(await openNode(browser, url), seedAndSize, { total: SEEDED_EVENTS, batch: BATCH });
    await browser.closeKeepingProfile();
    const diskAfterWrite = await indexedDbBytes(profile);

    browser = await launchChromium(profile);
    const page = await browser.context.newPage();
    const loads: { identity: number; roomView: number }[] = [];
    for (let i = 0; i < 6; i++) {
      await (i === 0
        ? page.goto(`${url}?test&node=bench`, { waitUntil: 'commit' })
        : page.reload({ waitUntil: 'commit' }));
      const times = await evaluate<{ identity: number; roomView: number }>(page, readyTimes, {
        roomId: seeded.roomId,
      });
      // The first load after a browser start also pays for starting the browser's storage.
      if (i > 0) loads.push(times);
    }
    await browser.closeKeepingProfile();
    const diskAfterReopen = await indexedDbBytes(profile);

    const loadMs = median(loads.map((l) => l.identity));
    const roomViewMs = median(loads.map((l) => l.roomView));
    const perEvent = (bytes: number) => bytes / seeded.totalEvents;
    const canonicalPerEvent = seeded.canonicalBytes / seeded.events;
    const events = seeded.totalEvents.toLocaleString('en-US');
    return [
      {
        label: `load → ready node with ${events} events`,
        value: loadMs,
        unit: 'ms',
        note: `median of ${loads.length}; goal < 1,000 ms: ${loadMs < 1000 ? 'met' : 'NOT met'}`,
      },
      {
        label: 'load → room list, state and 50 events',
        value: roomViewMs,
        unit: 'ms',
        note: `median of ${loads.length}`,
      },
      {
        label: 'on disk per event, right after writing',
        value: perEvent(diskAfterWrite),
        unit: 'B',
        note: `vs ${canonicalPerEvent.toFixed(0)} B canonical JSON: ${ratioNote(perEvent(diskAfterWrite) / canonicalPerEvent, 2, false)}`,
      },
      {
        label: 'on disk per event, after a browser restart',
        value: perEvent(diskAfterReopen),
        unit: 'B',
        note: ratioNote(perEvent(diskAfterReopen) / canonicalPerEvent, 2, false),
      },
      {
        label: 'event record as JSON (no IndexedDB overhead)',
        value: seeded.recordBytes / seeded.events,
        unit: 'B',
        note: `${(seeded.recordBytes / seeded.canonicalBytes).toFixed(2)}× canonical JSON`,
      },
    ];
  } finally {
    await browser.closeKeepingProfile().catch(() => undefined);
    await rm(profile, { recursive: true, force: true });
  }
}

/** Total size of the files under the profile's IndexedDB directory. */
async function indexedDbBytes(profile: string): Promise<number> {
  const root = join(profile, 'Default', 'IndexedDB');
  let total = 0;
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}
