import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ChromiumSession, launchChromium, ROOT } from './helpers/browser.js';

/**
 * The identity panel and the start states over a real node in Chromium:
 * display name, copy, export, the import hand-off to `?node=NAME&import`, and
 * the panel a second tab of the same node shows.
 */

const SHOTS = join(ROOT, 'test-results');

let browser: ChromiumSession;
let page: Page;
/** The exported identity file's text, and the server name it holds. */
let exported = '';
let serverName = '';
const pageErrors: string[] = [];

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // Failed loads are recorded with their URL (the console line for them has none).
  page.on('response', (response) => {
    if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      pageErrors.push(message.text());
    }
  });
  await page.goto(`${inject('appUrl')}?test&node=uiidentity`);
  await page.getByRole('button', { name: 'New room' }).waitFor({ timeout: 60_000 });
});

afterAll(async () => {
  await browser?.close();
});

describe('the identity panel', () => {
  it('shows the server name and user ID, and saves a display name', async () => {
    const identity = await page.evaluate(() => window.__tidepool!.identity);
    serverName = identity.serverName;
    await page.getByRole('button', { name: /^@user:/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Your identity' });
    await dialog.getByText(identity.serverName, { exact: true }).waitFor();
    await dialog.getByText(identity.userId, { exact: true }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Copy user ID' }).isVisible()).toBe(true);
    await dialog.getByLabel('Display name').fill('Marina');
    await dialog.getByRole('button', { name: 'Save name' }).click();
    await dialog.getByText('Display name saved.').waitFor();
    await page.screenshot({ path: join(SHOTS, 'ui-identity-dialog.png') });
    await dialog.getByRole('button', { name: 'Close identity' }).click();
    await page.getByRole('button', { name: 'Marina' }).waitFor();
  });

  it('exports the identity as a .json file, with the secret-key warning', async () => {
    await page.getByRole('button', { name: 'Marina' }).click();
    const dialog = page.getByRole('dialog', { name: 'Your identity' });
    expect(await dialog.getByText('The file holds the secret key').isVisible()).toBe(true);
    const downloading = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Export identity file' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('tidepool-identity-uiidentity.json');
    exported = await readFile((await download.path())!, 'utf8');
    expect(() => JSON.parse(exported)).not.toThrow();
  });

  it('hands an identity file to ?node=NAME&import through sessionStorage', async () => {
    const dialog = page.getByRole('dialog', { name: 'Your identity' });
    const warning = await page.evaluate(() => window.__tidepoolClient!.IMPORT_WARNING);
    expect(await dialog.getByText(warning).isVisible()).toBe(true);
    await dialog.getByLabel('New node name').fill('Not A Name!');
    await dialog.getByLabel('Identity file (.json)').setInputFiles({
      name: 'id.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"made":"up"}'),
    });
    await dialog.getByRole('button', { name: 'Import into a new node' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'not a valid node name' }).waitFor();

    // Answer the navigation with an empty page of the same origin (same tab, so
    // same sessionStorage), to see what the UI leaves for main.ts.
    await page.route('**/?node=restored*', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<p>stopped</p>' }),
    );
    await dialog.getByLabel('New node name').fill('restored');
    await dialog.getByRole('button', { name: 'Import into a new node' }).click();
    await page.waitForURL(/\?node=restored&import$/);
    expect(await page.evaluate(() => sessionStorage.getItem('tidepool-import:restored'))).toBe(
      '{"made":"up"}',
    );
    await page.unroute('**/?node=restored*');
  });
});

describe('importing in another browser', () => {
  it('runs the exported identity as a new node there', async () => {
    const other = await launchChromium();
    try {
      const tab = await other.context.newPage();
      await tab.goto(`${inject('appUrl')}?node=porter`);
      await tab.getByRole('button', { name: /^@user:/ }).click();
      const dialog = tab.getByRole('dialog', { name: 'Your identity' });
      await dialog.getByLabel('Identity file (.json)').setInputFiles({
        name: 'identity.json',
        mimeType: 'application/json',
        buffer: Buffer.from(exported),
      });
      await dialog.getByLabel('New node name').fill('moved');
      await dialog.getByRole('button', { name: 'Import into a new node' }).click();
      await tab.waitForURL(/\?node=moved&import$/);
      await tab.getByRole('button', { name: 'New room' }).waitFor({ timeout: 60_000 });
      await tab.getByRole('button', { name: 'Marina' }).click();
      await tab
        .getByRole('dialog', { name: 'Your identity' })
        .getByText(serverName, { exact: true })
        .waitFor();
    } finally {
      await other.close();
    }
  });
});

describe('a second tab of the same node', () => {
  it('explains that the node is open in another tab', async () => {
    const first = await browser.context.newPage();
    await first.goto(`${inject('appUrl')}?node=uilocked`);
    await first.getByRole('button', { name: 'New room' }).waitFor({ timeout: 60_000 });
    const second = await browser.context.newPage();
    await second.setViewportSize({ width: 360, height: 740 });
    await second.goto(`${inject('appUrl')}?node=uilocked`);
    await second.getByRole('heading', { name: 'This node is open in another tab' }).waitFor();
    expect(await second.getByRole('link', { name: '?node=second' }).isVisible()).toBe(true);
    await second.screenshot({ path: join(SHOTS, 'ui-node-locked.png') });
    await second.close();
    await first.close();
  });
});

describe('the page', () => {
  it('logged no errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
