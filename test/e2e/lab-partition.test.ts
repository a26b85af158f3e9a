import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium, ROOT } from './helpers/browser.js';
import { nodeUrl, openNodePage, waitForStart } from './helpers/node-page.js';
import { type RelayProcess, startRelayProcess } from './helpers/relay.js';

/**
 * The partition lab, as a developer uses it: three tabs, three nodes, the real
 * relay and real WebRTC. A creates a room in the UI; B and C join it by link;
 * they chat; C is taken offline with the network panel's switch; A and C make
 * conflicting topic and power-level changes; C comes back online; all three
 * end with the same topic, members and state digest, and A's event graph
 * shows the fork and the merge. Screenshots of the timeline, the network
 * panel and the graph go to test-results/.
 *
 * Page code is passed as strings: tsx would inject `__name` into functions.
 */

const SHOTS = join(ROOT, 'test-results');

let relay: RelayProcess;
let browser: ChromiumSession;
let pageA: Page;
let pageB: Page;
let pageC: Page;
let serverA: string;
let roomId: string;
const pageErrors: string[] = [];
let extra: string;

async function untilOnRelay(page: Page): Promise<void> {
  await page.waitForFunction(
    `window.__tidepoolTransport?.status.state === 'connected' && window.__tidepoolTransport.reserved()`,
    undefined,
    { timeout: 60_000 },
  );
}

function watch(page: Page): void {
  page.on('pageerror', (error) => pageErrors.push(error.message));
}

/** Evaluates `expression` (page code as a string) on `page`. */
function run<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/** What the three nodes must agree on: topic, members with their power, the state digest. */
async function view(page: Page) {
  return run<{ topic?: string; members: string[]; digest: string }>(
    page,
    `(async () => {
      const api = window.__tidepool.api;
      const room = ${JSON.stringify(roomId)};
      const state = await api.roomState(room);
      const members = (await api.members(room))
        .map((m) => m.userId + ' ' + m.membership + ' ' + m.powerLevel)
        .sort();
      return { topic: state.topic, members, digest: await api.stateDigest(room) };
    })()`,
  );
}

async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function bodies(page: Page): Promise<string[]> {
  return run<string[]>(
    page,
    `(async () => {
      const items = (await window.__tidepool.api.timeline(${JSON.stringify(roomId)}, { limit: 100 })).items;
      return items.filter((i) => i.type === 'm.room.message').map((i) => i.content.body);
    })()`,
  );
}

/** Opens the node's page from a room link and joins through the dialog. */
async function joinByLink(page: Page, name: string, link: string): Promise<void> {
  await page.goto(`${nodeUrl(name, extra)}${new URL(link).hash}`);
  await waitForStart(page);
  await untilOnRelay(page);
  const dialog = page.getByRole('dialog', { name: 'Join a room' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Join', exact: true }).click();
  const heading = page.getByRole('heading', { level: 2, name: 'Lab' });
  const refusal = dialog.getByRole('alert');
  await heading.or(refusal).first().waitFor({ timeout: 60_000 });
  if (await refusal.isVisible())
    throw new Error(`${name} could not join: ${await refusal.textContent()}`);
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  relay = await startRelayProcess();
  extra = `&relay=${encodeURIComponent(relay.httpUrl)}`;
  browser = await launchChromium();
  const opened = await Promise.all(
    ['lab-a', 'lab-b', 'lab-c'].map((name) => openNodePage(browser.context, name, extra)),
  );
  [pageA, pageB, pageC] = opened.map((o) => o.page) as [Page, Page, Page];
  for (const page of [pageA, pageB, pageC]) {
    await page.setViewportSize({ width: 1280, height: 900 });
    watch(page);
  }
  await Promise.all([untilOnRelay(pageA), untilOnRelay(pageB), untilOnRelay(pageC)]);
  serverA = await run<string>(pageA, 'window.__tidepoolTransport.serverName');
});

afterAll(async () => {
  await browser?.close();
  await relay?.dispose();
});

describe('the partition lab: three tabs, three nodes', () => {
  it('creates a room in the UI, and B and C join it by link', async () => {
    await pageA.getByRole('button', { name: 'New room' }).click();
    const dialog = pageA.getByRole('dialog', { name: 'New room' });
    await dialog.getByLabel('Name').fill('Lab');
    await dialog.getByLabel('Who can join').selectOption('public_chat');
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await pageA.getByRole('heading', { level: 2, name: 'Lab' }).waitFor();
    roomId = await run<string>(pageA, `window.__tidepool.api.rooms().then((r) => r[0].roomId)`);
    // The link the room header's Share button copies.
    const link = await run<string>(
      pageA,
      `document.querySelector('tidepool-app').shadowRoot.querySelector('tp-room-view')
         .shadowRoot.querySelector('tp-copy-button[text="Share"]').value`,
    );
    expect(new URL(link).hash).toContain(encodeURIComponent(serverA));
    await joinByLink(pageB, 'lab-b', link);
    await joinByLink(pageC, 'lab-c', link);
  });

  it('chats across the three', async () => {
    const composer = pageA.getByRole('textbox', { name: 'Message', exact: true });
    await composer.fill('hello from A');
    await composer.press('Enter');
    for (const page of [pageB, pageC]) {
      await until(
        () => bodies(page),
        (list) => list.includes('hello from A'),
        'A → B, C',
      );
    }
    // Both joiners get power to change the room, so the partition has real conflicts.
    const joiners = await Promise.all(
      [pageB, pageC].map((page) =>
        run<string>(page, `window.__tidepool.api.identity().then((i) => i.userId)`),
      ),
    );
    // B below C, so that C may change B's level too.
    const levels = [50, 100];
    for (const [i, userId] of joiners.entries()) {
      await run(
        pageA,
        `window.__tidepool.api.setPowerLevel(${JSON.stringify(roomId)}, ${JSON.stringify(userId)}, ${levels[i]})`,
      );
    }
    await until(
      () => view(pageC),
      (v) => joiners.every((userId, i) => v.members.includes(`${userId} join ${levels[i]}`)),
      'C sees B at 50 and C at 100',
    );
    await pageA.screenshot({ path: join(SHOTS, 'lab-timeline.png') });
  });

  it('cuts C off, lets both sides change the room, heals, and all three agree', async () => {
    await pageC.getByRole('button', { name: 'Network' }).click();
    await pageC.getByRole('switch', { name: 'This node is online' }).uncheck();
    await pageC.waitForFunction(`window.__tidepoolTransport.status.state === 'offline'`);
    // A's side: topic in the settings UI, and B's power level.
    await pageA.getByRole('button', { name: 'Settings' }).click();
    await pageA.getByRole('textbox', { name: 'Topic', exact: true }).fill('Topic from A');
    await pageA.getByRole('button', { name: 'Save topic' }).click();
    const b = await run<string>(pageB, `window.__tidepool.api.identity().then((i) => i.userId)`);
    await run(
      pageA,
      `window.__tidepool.api.setPowerLevel(${JSON.stringify(roomId)}, ${JSON.stringify(b)}, 60)`,
    );
    // C's side, offline: the other topic and another level for B.
    await run(pageC, `window.__tidepool.api.setTopic(${JSON.stringify(roomId)}, 'Topic from C')`);
    await run(
      pageC,
      `window.__tidepool.api.setPowerLevel(${JSON.stringify(roomId)}, ${JSON.stringify(b)}, 75)`,
    );
    const split = await Promise.all([view(pageA), view(pageC)]);
    expect(split[0].topic).toBe('Topic from A');
    expect(split[1].topic).toBe('Topic from C');
    expect(split[0].digest).not.toBe(split[1].digest);
    expect(split[0].members).toContain(`${b} join 60`);
    expect(split[1].members).toContain(`${b} join 75`);
    await pageC.screenshot({ path: join(SHOTS, 'lab-network-offline.png') });

    await pageC.getByRole('switch', { name: 'This node is online' }).check();
    const agreed = await until(
      () => Promise.all([view(pageA), view(pageB), view(pageC)]),
      ([a, b2, c]) => a.digest === b2.digest && b2.digest === c.digest,
      'the three digests agree after the heal',
    );
    const [a] = agreed;
    expect(['Topic from A', 'Topic from C']).toContain(a.topic);
    expect(a.members.filter((m) => m === `${b} join 60` || m === `${b} join 75`)).toHaveLength(1);
    for (const v of agreed) {
      expect(v.topic).toBe(a.topic);
      expect(v.members).toEqual(a.members);
    }
    await pageC.screenshot({ path: join(SHOTS, 'lab-network-healed.png') });
  });

  it('shows the fork and the merge in the event graph', async () => {
    // A's next message cites both sides' heads: the merge.
    await run(
      pageA,
      `window.__tidepool.api.sendMessage(${JSON.stringify(roomId)}, { msgtype: 'm.text', body: 'after the heal' })`,
    );
    const graph = await run<{
      nodes: { eventId: string; prevEvents: string[] }[];
      heads: string[];
    }>(pageA, `window.__tidepool.api.roomGraph(${JSON.stringify(roomId)})`);
    const merges = graph.nodes.filter((n) => n.prevEvents.length >= 2);
    const children = new Map<string, number>();
    for (const n of graph.nodes) {
      for (const p of n.prevEvents) children.set(p, (children.get(p) ?? 0) + 1);
    }
    const forks = [...children.values()].filter((count) => count >= 2);
    expect(merges.length).toBeGreaterThan(0);
    expect(forks.length).toBeGreaterThan(0);
    expect(graph.heads).toHaveLength(1);

    await pageA.getByRole('button', { name: 'Graph' }).click();
    const digest = (await view(pageA)).digest;
    await pageA.getByText(digest).first().waitFor();
    await pageA.screenshot({ path: join(SHOTS, 'lab-graph.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
