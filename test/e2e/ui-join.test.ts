import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ChromiumSession, launchChromium } from './helpers/browser.js';

/**
 * Joining from the UI, in Chromium over a real node in its worker: a page
 * opened from a room link offers the join (filled in, waiting for a click),
 * junk is refused in words, and a node with no federation link says so in
 * words rather than hanging. Joining across real links is in the p2p tests.
 */

let browser: ChromiumSession;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${inject('appUrl')}?node=uijoin#join=%23lobby%3Aexample.org&via=example.org`);
  await page.getByRole('button', { name: 'New room' }).waitFor({ timeout: 60_000 });
});

afterAll(async () => {
  await browser?.close();
});

describe('joining a room from the UI', () => {
  it('opens the join dialog filled in from the link, and clears the link from the address', async () => {
    const dialog = page.getByRole('dialog', { name: 'Join a room' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('Room link, address').inputValue()).toBe('#lobby:example.org');
    expect(await dialog.getByLabel('Servers to ask').inputValue()).toBe('example.org');
    expect(new URL(page.url()).hash).toBe('');
  });

  it('says in words that the node is not on the federation', async () => {
    const dialog = page.getByRole('dialog', { name: 'Join a room' });
    await dialog.getByRole('button', { name: 'Join', exact: true }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toMatch(/Could not join #lobby:example.org: .*not connected to the federation/);
  });

  it('refuses what is not a room link, address or ID', async () => {
    const dialog = page.getByRole('dialog', { name: 'Join a room' });
    await dialog.getByLabel('Room link, address').fill('@alice:example.org');
    await dialog.getByRole('button', { name: 'Join', exact: true }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/not a room link/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  it('opens the same dialog from the room list, and no script errors happened', async () => {
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.getByRole('dialog', { name: 'Join a room' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
