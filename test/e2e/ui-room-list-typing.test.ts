import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium } from './helpers/browser.js';
import { openNodePage } from './helpers/node-page.js';
import { type RelayProcess, startRelayProcess } from './helpers/relay.js';

/**
 * The room list says who is typing, in Chromium over two real nodes (the
 * relay, real WebRTC, the built app): Bob's room list shows "Alice is
 * typing…" in place of the last message while Alice types in her composer,
 * and the last message again once she stops; our own typing never shows in
 * our own list. Page code is passed as strings: tsx would inject `__name`.
 */

let relay: RelayProcess;
let browser: ChromiumSession;
let alice: Page;
let bob: Page;
let roomId: string;
const pageErrors: string[] = [];

function run<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

async function untilOnRelay(page: Page): Promise<void> {
  await page.waitForFunction(
    `window.__tidepoolTransport?.status.state === 'connected' && window.__tidepoolTransport.reserved()`,
    undefined,
    { timeout: 60_000 },
  );
}

/** The room's entry in `page`'s room list. */
const entry = (page: Page): Locator =>
  page.locator('tp-room-list li').filter({ hasText: 'Typing room' });
const preview = (page: Page) => entry(page).locator('.preview').textContent();

/** Opens the room in `page`'s UI and returns its composer. */
async function composerOf(page: Page): Promise<Locator> {
  await entry(page).getByRole('button').click();
  const composer = page.getByRole('textbox', { name: 'Message', exact: true });
  await composer.waitFor();
  return composer;
}

beforeAll(async () => {
  relay = await startRelayProcess();
  const extra = `&relay=${encodeURIComponent(relay.httpUrl)}`;
  browser = await launchChromium();
  const opened = await Promise.all(
    ['typing-alice', 'typing-bob'].map((name) => openNodePage(browser.context, name, extra)),
  );
  [alice, bob] = opened.map((o) => o.page) as [Page, Page];
  for (const page of [alice, bob]) {
    await page.setViewportSize({ width: 1280, height: 800 });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }
  await Promise.all([untilOnRelay(alice), untilOnRelay(bob)]);
  await run(alice, `window.__tidepool.api.setProfile({ displayName: 'Alice' })`);
  await run(bob, `window.__tidepool.api.setProfile({ displayName: 'Bob' })`);
  const serverA = await run<string>(alice, 'window.__tidepoolTransport.serverName');
  roomId = await run<string>(
    alice,
    `(async () => {
      const api = window.__tidepool.api;
      const room = await api.createRoom({ preset: 'public_chat', name: 'Typing room' });
      await api.sendMessage(room, { msgtype: 'm.text', body: 'Before anyone types' });
      return room;
    })()`,
  );
  await run(
    bob,
    `window.__tidepool.api.joinRoom(${JSON.stringify(roomId)}, [${JSON.stringify(serverA)}])`,
  );
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await relay?.dispose();
});

describe('typing in the room list', () => {
  it("shows Alice typing in Bob's room list, and the last message once she stops", async () => {
    await entry(bob).waitFor({ timeout: 60_000 });
    // The last event: Bob's own join.
    const last = await preview(bob);
    expect(last).toBe('Bob joined the room');
    const composer = await composerOf(alice);
    await composer.fill('Hello Bob, I am wri');
    await expect.poll(() => preview(bob), { timeout: 30_000 }).toBe('Alice is typing…');
    expect(await entry(bob).locator('.preview.typing').count()).toBe(1);
    await bob.screenshot({ path: 'test-results/room-list-typing.png' });
    // Emptying the composer tells the room she stopped.
    await composer.fill('');
    await expect.poll(() => preview(bob), { timeout: 30_000 }).toBe(last);
    expect(await entry(bob).locator('.preview.typing').count()).toBe(0);
  });

  it('never shows our own typing in our own list, while the other side sees it', async () => {
    const composer = await composerOf(bob);
    await composer.fill('Bob types');
    await expect.poll(() => preview(alice), { timeout: 30_000 }).toBe('Bob is typing…');
    expect(await preview(bob)).toBe('Bob joined the room');
    await composer.press('Enter');
    await expect.poll(() => preview(alice), { timeout: 30_000 }).toBe('Bob: Bob types');
    expect(pageErrors).toEqual([]);
  });
});
