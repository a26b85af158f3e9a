import { request as httpRequest } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium } from './helpers/browser.js';
import { openNodePage } from './helpers/node-page.js';
import { type RelayProcess, startRelayProcess } from './helpers/relay.js';

/**
 * Federation between two browser nodes over real links: the relay process,
 * two SEPARATE Chromium processes, each running the built app with a node in
 * its worker and libp2p on the page. Node B joins node A's room through the
 * relay's signalling and a direct WebRTC connection; they exchange 1,000
 * messages; the relay is killed (the WebRTC link keeps working) and started
 * again (both re-register and new connections work).
 *
 * Page code is passed as strings: tsx would inject `__name` into functions.
 */

let relay: RelayProcess;
let browserA: ChromiumSession;
let browserB: ChromiumSession;
let pageA: Page;
let pageB: Page;
let serverA: string;
let serverB: string;
let roomId: string;
const pageErrors: string[] = [];

/** Waits until the page's transport is connected to the relay and holds a reservation. */
async function untilOnRelay(page: Page): Promise<void> {
  await page.waitForFunction(
    `window.__tidepoolTransport?.status.state === 'connected' && window.__tidepoolTransport.reserved()`,
    undefined,
    { timeout: 60_000 },
  );
}

/** Sends `count` messages `<prefix>-0000`... in batches of 10 (one IndexedDB transaction each). */
async function sendMany(page: Page, prefix: string, from: number, count: number): Promise<void> {
  await page.evaluate(`(async () => {
    const api = window.__tidepool.api;
    for (let start = ${from}; start < ${from + count}; start += 10) {
      const batch = [];
      for (let i = start; i < Math.min(start + 10, ${from + count}); i++) {
        batch.push({ msgtype: 'm.text', body: '${prefix}-' + String(i).padStart(4, '0') });
      }
      await api.sendMessages(${JSON.stringify(roomId)}, batch);
    }
  })()`);
}

/** The room's message bodies on `page`, oldest first (in the node's stream order). */
async function bodies(page: Page): Promise<string[]> {
  return page.evaluate(`(async () => {
    const api = window.__tidepool.api;
    const out = [];
    let from;
    for (;;) {
      const pageOf = await api.timeline(${JSON.stringify(roomId)}, from ? { from, limit: 500 } : { limit: 500 });
      for (const item of pageOf.items) {
        if (item.type === 'm.room.message') out.push(item.content.body);
      }
      if (!pageOf.next) break;
      from = pageOf.next;
    }
    return out.reverse();
  })()`);
}

/** Waits until both nodes show `expected` messages; returns both lists. */
async function untilBoth(expected: number, timeoutMs = 60_000): Promise<[string[], string[]]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [a, b] = await Promise.all([bodies(pageA), bodies(pageB)]);
    if ((a.length >= expected && b.length >= expected) || Date.now() > deadline) return [a, b];
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function bySender(list: string[], prefix: string): string[] {
  return list.filter((body) => body.startsWith(`${prefix}-`));
}

function inOrder(prefix: string, from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(from + i).padStart(4, '0')}`);
}

async function connectionsTo(page: Page, serverName: string) {
  return page.evaluate(
    `window.__tidepoolTransport.connectionsTo(${JSON.stringify(serverName)})`,
  ) as Promise<{ remoteAddr: string; kind: string; limited: boolean }[]>;
}

/** A plain HTTP GET to the relay's gateway, as an ordinary homeserver would send it. */
function gatewayGet(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${relay.httpUrl}${path}`, { headers: { host } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

beforeAll(async () => {
  relay = await startRelayProcess();
  [browserA, browserB] = await Promise.all([launchChromium(), launchChromium()]);
  const extra = `&relay=${encodeURIComponent(relay.httpUrl)}`;
  const [a, b] = await Promise.all([
    openNodePage(browserA.context, 'p2p-a', extra),
    openNodePage(browserB.context, 'p2p-b', extra),
  ]);
  pageA = a.page;
  pageB = b.page;
  for (const { page, errors } of [a, b]) {
    page.on('pageerror', (error) => pageErrors.push(error.message));
    void errors;
  }
  await Promise.all([untilOnRelay(pageA), untilOnRelay(pageB)]);
  serverA = (await pageA.evaluate('window.__tidepoolTransport.serverName')) as string;
  serverB = (await pageB.evaluate('window.__tidepoolTransport.serverName')) as string;
});

afterAll(async () => {
  await Promise.allSettled([browserA?.close(), browserB?.close()]);
  await relay?.dispose();
});

describe('two browser nodes over libp2p', () => {
  it('B joins A’s room over a direct WebRTC connection', async () => {
    roomId = (await pageA.evaluate(
      `window.__tidepool.api.createRoom({ preset: 'public_chat', name: 'Tide pool' })`,
    )) as string;
    const joined = await pageB.evaluate(
      `window.__tidepool.api.joinRoom(${JSON.stringify(roomId)}, [${JSON.stringify(serverA)}])`,
    );
    expect(joined).toBe(roomId);
    const links = await connectionsTo(pageB, serverA);
    const direct = links.filter((link) => link.remoteAddr.includes('/webrtc') && !link.limited);
    expect(direct.length, JSON.stringify(links)).toBeGreaterThan(0);
    expect(direct[0]!.kind).toBe('direct-webrtc');
  });

  it('the relay’s gateway carries a plain HTTP request to node A', async () => {
    const answer = await gatewayGet('/_matrix/federation/v1/version', serverA);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ server: { name: 'Tidepool' } });
  });

  it('exchanges 1,000 messages both ways: none lost, order per sender kept, timelines equal', async () => {
    await Promise.all([sendMany(pageA, 'A', 0, 500), sendMany(pageB, 'B', 0, 500)]);
    const [a, b] = await untilBoth(1000);
    expect(a).toHaveLength(1000);
    expect(b).toHaveLength(1000);
    for (const list of [a, b]) {
      expect(bySender(list, 'A')).toEqual(inOrder('A', 0, 500));
      expect(bySender(list, 'B')).toEqual(inOrder('B', 0, 500));
    }
    expect([...a].sort()).toEqual([...b].sort());
    expect(pageErrors).toEqual([]);
  });

  it('keeps carrying messages over WebRTC when the relay is killed', async () => {
    await relay.kill();
    await Promise.all([sendMany(pageA, 'A', 500, 20), sendMany(pageB, 'B', 500, 20)]);
    const [a, b] = await untilBoth(1040);
    for (const list of [a, b]) {
      expect(bySender(list, 'A')).toEqual(inOrder('A', 0, 520));
      expect(bySender(list, 'B')).toEqual(inOrder('B', 0, 520));
    }
    const status = (await pageA.evaluate('window.__tidepoolTransport.status.state')) as string;
    expect(status).toBe('reconnecting');
  });

  it('re-registers with a restarted relay, and new connections work', async () => {
    await relay.restart();
    await Promise.all([untilOnRelay(pageA), untilOnRelay(pageB)]);
    // Drop the old link on both sides so the next request needs a new connection.
    await pageA.evaluate(`window.__tidepoolTransport.cutLink(${JSON.stringify(serverB)})`);
    await pageB.evaluate(`window.__tidepoolTransport.cutLink(${JSON.stringify(serverA)})`);
    expect(await connectionsTo(pageA, serverB)).toEqual([]);
    await pageA.evaluate(`window.__tidepoolTransport.healLink(${JSON.stringify(serverB)})`);
    await pageB.evaluate(`window.__tidepoolTransport.healLink(${JSON.stringify(serverA)})`);
    await Promise.all([sendMany(pageA, 'A', 520, 10), sendMany(pageB, 'B', 520, 10)]);
    const [a, b] = await untilBoth(1060);
    for (const list of [a, b]) {
      expect(bySender(list, 'A')).toEqual(inOrder('A', 0, 530));
      expect(bySender(list, 'B')).toEqual(inOrder('B', 0, 530));
    }
    // The link goes back to direct WebRTC (a dial that lost a race with the
    // other side's is tried again after a pause); requests keep it moving.
    const direct = await pageA.evaluate(`(async () => {
      const transport = window.__tidepoolTransport;
      const to = ${JSON.stringify(serverB)};
      const deadline = performance.now() + 30000;
      while (performance.now() < deadline) {
        if (transport.connectionsTo(to).some((link) => link.kind === 'direct-webrtc')) return true;
        const version = { method: 'GET', path: '/_matrix/federation/v1/version', headers: {} };
        await transport.request(to, version).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      return false;
    })()`);
    expect(direct, JSON.stringify(await connectionsTo(pageA, serverB))).toBe(true);
  });

  it('a relay that does not answer is told in words, and the node works locally', async () => {
    // Port 9 (discard) on loopback: nothing listens there.
    const { page } = await openNodePage(
      browserA.context,
      'p2p-norelay',
      '&relay=http://127.0.0.1:9',
    );
    await page.waitForFunction(`window.__tidepoolTransport?.status.state === 'unavailable'`);
    const message = (await page.evaluate('window.__tidepoolTransport.status.message')) as string;
    expect(message).toMatch(/does not answer.*works locally/);
    const room = await page.evaluate(`window.__tidepool.api.createRoom({ name: 'Alone' })`);
    expect(room).toMatch(/^!/);
    await page.close();
  });
});
