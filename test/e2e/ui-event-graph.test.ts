import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_WIDTH } from '../../src/ui/event-graph-layout.js';
import { type ChromiumSession, launchChromium, ROOT } from './helpers/browser.js';

/**
 * `<tp-event-graph>` in Chromium over two real federated nodes (the fixture
 * test/ui/event-graph-fixture.ts, served from source by Vite's dev server):
 * the graph forks while the nodes are partitioned, shows both heads after the
 * heal and one after the merge; the state digests differ while the nodes
 * disagree and match after; keyboard opens an event's JSON; 360 px works;
 * a 500-event room is laid out in the layout worker, saying so meanwhile,
 * and the newest layout is the one drawn.
 */

const SHOTS = join(ROOT, 'test-results');

/** A page of the dev server's origin that imports the fixture (TypeScript, served by Vite). */
const PAGE = `<!doctype html>
<html lang="en">
<head><meta name="viewport" content="width=device-width"><title>Event graph</title></head>
<body style="margin: 8px; font-family: system-ui">
<script type="module">
  import { setUp } from '/test/ui/event-graph-fixture.ts';
  setUp().then((ctx) => { window.graphCtx = ctx; }, (e) => { window.graphError = String(e?.stack ?? e); });
</script>
</body>
</html>`;

let browser: ChromiumSession;
let page: Page;
let vite: ViteDevServer;
let cacheDir: string;
const pageErrors: string[] = [];

/** The page's fixture context (see test/ui/event-graph-fixture.ts). */
type Ctx = Awaited<ReturnType<typeof import('../ui/event-graph-fixture.js').setUp>>;
declare global {
  interface Window {
    graphCtx?: Ctx;
    graphError?: string;
  }
}

const graph = (node: 'a' | 'b' | 'fresh'): Locator =>
  page.locator(`tp-event-graph[data-node="${node}"]`);
const digest = (node: 'a' | 'b') => graph(node).getByTestId('state-digest').textContent();
const heads = (node: 'a' | 'b') => graph(node).locator('g.node.head');
const box = (node: 'a' | 'b' | 'fresh', eventId: string) =>
  graph(node).locator(`g.node[data-event-id="${eventId}"]`);

/** Where the box of `eventId` is drawn: its top left corner, in SVG user units. */
async function rectOf(node: 'a' | 'b', eventId: string): Promise<{ x: number; y: number }> {
  const transform = (await box(node, eventId).getAttribute('transform')) ?? '';
  const match = /^translate\((-?[\d.]+) (-?[\d.]+)\)$/.exec(transform);
  if (!match) throw new Error(`box ${eventId} is not placed: transform="${transform}"`);
  return { x: Number(match[1]), y: Number(match[2]) };
}

/** Runs `name(...args)` on the page's fixture context. */
function call(name: keyof Ctx, ...args: string[]): Promise<string> {
  return page.evaluate(
    async ([fn, rest]) => {
      const ctx = window.graphCtx as unknown as Record<
        string,
        (...a: string[]) => Promise<unknown>
      >;
      return String((await ctx[fn]!(...rest)) ?? '');
    },
    [name, args] as const,
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = netServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  cacheDir = await mkdtemp(join(tmpdir(), 'tidepool-vite-cache-'));
  vite = await createServer({
    root: ROOT,
    cacheDir,
    appType: 'custom',
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: await freePort(), strictPort: true, hmr: false },
  });
  await vite.listen();
  const url = vite.resolvedUrls?.local[0] ?? '';
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  // A blank page of the dev server's origin; the fixture module is imported into it.
  await page.route('**/event-graph-test.html', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: PAGE,
    }),
  );
  await page.goto(`${url}event-graph-test.html`);
  await page.waitForFunction(
    () => window.graphCtx !== undefined || window.graphError !== undefined,
    undefined,
    {
      timeout: 120_000,
    },
  );
  const error = await page.evaluate(() => window.graphError);
  if (error !== undefined) throw new Error(`The fixture failed: ${error}`);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await vite?.close();
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
});

describe('the event graph view', () => {
  it('draws the room and the same digest on both nodes', async () => {
    // The first layout waits for the layout worker to load (Vite compiles it on first use).
    await expect.poll(() => heads('a').count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => heads('b').count(), { timeout: 60_000 }).toBe(1);
    expect(await digest('a')).toMatch(/^[A-Za-z0-9_-]{12}$/);
    await expect.poll(() => digest('b')).toBe(await digest('a'));
    // The create event is a state event, and says so in its name.
    const create = graph('a').getByRole('button', { name: /^m\.room\.create state event by/ });
    expect(await create.getAttribute('class')).toContain('state');
  });

  it('forks while partitioned and shows both heads side by side after the heal', async () => {
    const baseA = await heads('a').getAttribute('data-event-id');
    await page.evaluate(() => window.graphCtx?.partition());
    const topic = await call('topicA', 'Tea');
    const message = await call('sendB', 'hello from B');
    const name = await call('nameB', 'Pool (B)');
    await expect.poll(() => box('a', topic).getAttribute('class')).toContain('head');
    await expect.poll(() => box('b', name).getAttribute('class')).toContain('head');
    await expect.poll(async () => (await digest('a')) !== (await digest('b'))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'event-graph-partitioned.png'), fullPage: true });

    await call('heal');
    for (const node of ['a', 'b'] as const) {
      await expect.poll(() => heads(node).count()).toBe(2);
      expect(await box(node, topic).getAttribute('class')).toContain('head');
      expect(await box(node, name).getAttribute('class')).toContain('head');
      // The two sides of the fork sit on one row, apart, below the event they fork from.
      const [t, m, base] = [
        await rectOf(node, topic),
        await rectOf(node, message),
        await rectOf(node, baseA ?? ''),
      ];
      expect(t.y).toBe(m.y);
      expect(Math.abs(t.x - m.x)).toBeGreaterThanOrEqual(NODE_WIDTH);
      expect(base.y).toBeLessThan(t.y);
    }
    await expect.poll(() => digest('b')).toBe(await digest('a'));
    await page.screenshot({ path: join(SHOTS, 'event-graph-forked.png'), fullPage: true });
  });

  it('merges the branches with the next event', async () => {
    const merge = await call('sendA', 'merged');
    await call('heal');
    for (const node of ['a', 'b'] as const) {
      await expect.poll(() => heads(node).count()).toBe(1);
      expect(await box(node, merge).getAttribute('aria-label')).toMatch(/merges 2 branches/);
      expect(await box(node, merge).textContent()).toContain('▲ head');
    }
    await expect.poll(() => digest('b')).toBe(await digest('a'));
    await page.screenshot({ path: join(SHOTS, 'event-graph-merged.png'), fullPage: true });
  });

  it('opens an event’s JSON with Enter, as text, and returns focus on Close', async () => {
    const head = heads('b').first();
    const id = (await head.getAttribute('data-event-id')) ?? '';
    await head.focus();
    await page.keyboard.press('Enter');
    const json = graph('b').getByTestId('event-json');
    await expect.poll(() => json.textContent()).toContain(`"event_id": "${id}"`);
    expect(await json.textContent()).toContain('"body": "merged"');
    expect(await json.locator('*').count()).toBe(0);
    await graph('b').getByRole('button', { name: 'Close event JSON' }).click();
    expect(await json.count()).toBe(0);
    await expect
      .poll(() =>
        page.evaluate(() =>
          document.activeElement?.shadowRoot?.activeElement?.getAttribute('data-event-id'),
        ),
      )
      .toBe(id);
  });

  it('marks a message soft-failed on the node that learned of it after a kick', async () => {
    await page.evaluate(() => window.graphCtx?.partition());
    await call('kickB');
    const late = await call('sendB', 'still here?');
    await call('heal');
    await expect.poll(() => box('a', late).getAttribute('class')).toContain('soft_failed');
    expect(await box('a', late).textContent()).toContain('⚠ soft-failed');
    await box('a', late).scrollIntoViewIfNeeded();
    await graph('a').screenshot({ path: join(SHOTS, 'event-graph-soft-failed.png') });
    expect(await box('b', late).getAttribute('class')).toContain('accepted');
    await expect.poll(() => digest('b')).toBe(await digest('a'));
  });

  it('fits 360 px: the graph scrolls inside its box, the page does not', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.screenshot({ path: join(SHOTS, 'event-graph-narrow.png') });
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(pageWidth).toBeLessThanOrEqual(360);
    const scroller = graph('a').locator('.scroller');
    const sizes = await scroller.evaluate((el) => ({
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
      scrollHeight: el.scrollHeight,
      clientHeight: el.clientHeight,
      svgWidth: Number(el.querySelector('svg')?.getAttribute('width')),
    }));
    // The box fits the screen; a drawing wider or taller than it scrolls inside it.
    expect(sizes.clientWidth).toBeLessThanOrEqual(360);
    expect(sizes.scrollWidth).toBeGreaterThanOrEqual(sizes.svgWidth);
    expect(sizes.svgWidth).toBeGreaterThan(sizes.clientWidth);
    expect(sizes.scrollHeight).toBeGreaterThan(sizes.clientHeight);
    await scroller.evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
    });
    expect(await scroller.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  it('lays out a 500-event room in its worker, says so meanwhile, and draws the newest layout', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    // B is cut off, so only the graphs of A work while A's room grows.
    await page.evaluate(() => window.graphCtx?.partition());
    await call('floodA', '500');
    await call('showFreshA');
    const fresh = graph('fresh');
    const status = fresh.getByRole('status').filter({ hasText: /Laying out \d+ events…$/ });
    await status.waitFor({ timeout: 60_000 });
    const laying = Number(/Laying out (\d+) events/.exec((await status.textContent()) ?? '')?.[1]);
    expect(laying).toBeGreaterThanOrEqual(500);
    // The room changes while it is laid out: the drawing that stays is the newest.
    const last = await call('floodA', '3');
    await expect
      .poll(() => box('fresh', last).getAttribute('class'), { timeout: 60_000 })
      .toContain('head');
    await expect.poll(() => fresh.locator('g.node').count(), { timeout: 60_000 }).toBe(laying + 3);
    expect(await fresh.locator('g.node.head').count()).toBe(1);
    await expect.poll(() => status.count()).toBe(0);
    expect(await fresh.getByRole('status').first().textContent()).toMatch(
      new RegExp(`^\\s*${laying + 3} events, 1 head`),
    );
    expect(pageErrors).toEqual([]);
  });
});
