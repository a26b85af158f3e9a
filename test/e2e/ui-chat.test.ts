import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ChromiumSession, launchChromium, ROOT } from './helpers/browser.js';

/**
 * The chat UI over a real node in its worker, in Chromium: create a room, send,
 * edit and delete messages, change the topic, reload, and find it all again.
 * Role and label selectors only (they pierce the components' shadow roots).
 */

const SHOTS = join(ROOT, 'test-results');

let browser: ChromiumSession;
let page: Page;
const pageErrors: string[] = [];

/** The timeline item that shows `text`. */
function item(text: string | RegExp): Locator {
  return page.locator('tp-timeline-item').filter({ hasText: text });
}

function composer(): Locator {
  return page.getByRole('textbox', { name: 'Message', exact: true });
}

async function send(text: string): Promise<void> {
  await composer().fill(text);
  await composer().press('Enter');
  await expect.poll(() => composer().inputValue()).toBe('');
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(`${inject('appUrl')}?node=uichat`);
  await page.getByRole('button', { name: 'New room' }).waitFor({ timeout: 60_000 });
});

afterAll(async () => {
  await browser?.close();
});

describe('the chat UI', () => {
  it('creates a room from the New room dialog', async () => {
    await page.getByRole('button', { name: 'New room' }).click();
    const dialog = page.getByRole('dialog', { name: 'New room' });
    await dialog.getByLabel('Name').fill('Tide chat');
    await dialog.getByLabel('Topic').fill('First topic');
    expect(await dialog.getByLabel('Room version').inputValue()).toBe('12');
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await page.getByRole('heading', { level: 2, name: 'Tide chat' }).waitFor();
    await page
      .getByRole('navigation')
      .getByRole('button', { name: /Tide chat/ })
      .waitFor();
    await item('changed the topic to First topic').waitFor();
  });

  it('sends messages, an emote among them', async () => {
    await send('Hello from the UI');
    await send('Second message');
    await send('/me waves at the tide');
    await item('Second message').waitFor();
    await item(/^\s*\S.*\* .+ waves at the tide/s).waitFor();
    expect(await item('waves at the tide').textContent()).not.toContain('/me');
  });

  it('refuses an empty message with words', async () => {
    await composer().fill('   ');
    await composer().press('Enter');
    const alert = page.getByRole('alert').filter({ hasText: 'empty message cannot be sent' });
    await alert.waitFor();
    expect(await alert.isVisible()).toBe(true);
  });

  it('edits a message of its own', async () => {
    await item('Second message').getByRole('button', { name: 'Edit message' }).click();
    const editor = page.getByRole('textbox', { name: 'Edit message' });
    expect(await editor.inputValue()).toBe('Second message');
    await editor.fill('Second message, edited');
    await editor.press('Enter');
    await item('Second message, edited').getByText('(edited)').waitFor();
  });

  it('deletes a message', async () => {
    await item('Hello from the UI').getByRole('button', { name: 'Delete message' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await item('Message deleted').waitFor();
    await expect.poll(() => item('Hello from the UI').count()).toBe(0);
  });

  it('changes the topic in the room settings', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('complementary', { name: 'Room settings' });
    await settings.getByLabel('Topic').fill('Second topic');
    await settings.getByRole('button', { name: 'Save topic' }).click();
    await item('changed the topic to Second topic').waitFor();
    await page.locator('tp-room-view header').getByText('Second topic').waitFor();
    await page.screenshot({ path: join(SHOTS, 'ui-chat-desktop.png') });
  });

  it('shows the node refusing an invite, in words, where it was asked', async () => {
    await page.getByRole('button', { name: 'Members' }).click();
    const members = page.getByRole('complementary', { name: 'Members' });
    await members.getByRole('heading', { name: /Joined \(1\)/ }).waitFor();
    await members.getByLabel('Invite by user ID').fill('not-a-user-id');
    await members.getByRole('button', { name: 'Invite', exact: true }).click();
    const alert = members.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^Could not invite: \S/);
    await page.getByRole('button', { name: 'Close Members' }).click();
  });

  it('renders HTML in a message body as text', async () => {
    await send('<b>not bold</b> <img src=x onerror=alert(1)>');
    const shown = item('<b>not bold</b>');
    await shown.waitFor();
    expect(await shown.locator('b, img').count()).toBe(0);
  });

  it('shows it all again after a reload', async () => {
    await page.reload();
    const room = page.getByRole('navigation').getByRole('button', { name: /Tide chat/ });
    await room.waitFor({ timeout: 60_000 });
    if (!(await page.getByRole('heading', { level: 2, name: 'Tide chat' }).isVisible())) {
      await room.click();
    }
    await page.locator('tp-room-view header').getByText('Second topic').waitFor();
    await item('Second message, edited').getByText('(edited)').waitFor();
    await item('waves at the tide').waitFor();
    await item('Message deleted').waitFor();
    await item('changed the topic to Second topic').waitFor();
    expect(await item('Hello from the UI').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'ui-chat-reloaded.png') });
  });

  it('fits a 360 px wide screen, room list and room view in turn', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.getByRole('heading', { level: 2, name: 'Tide chat' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'ui-chat-narrow-room.png') });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      360,
    );
    await page.getByRole('button', { name: 'Back to rooms' }).click();
    await page.getByRole('button', { name: 'New room' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'ui-chat-narrow-list.png') });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      360,
    );
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('button', { name: /Tide chat/ }).click();
    await page.getByRole('heading', { level: 2, name: 'Tide chat' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'ui-chat-narrow-dark.png') });
  });

  it('logged no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
