import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium } from './helpers/browser.js';
import { identityOf, openNodePage, startErrorOf, waitForStart } from './helpers/node-page.js';

/**
 * One node, one tab: a second tab on the same node is told so in the page,
 * and gets the node once the first tab has gone.
 */

let browser: ChromiumSession;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('the node lock', () => {
  it('shows a second tab on the same node that it runs elsewhere', async () => {
    const first = await openNodePage(browser.context, 'solo');
    const identity = await identityOf(first.page);

    const second = await openNodePage(browser.context, 'solo');
    const error = await startErrorOf(second.page);
    expect(error).toEqual({
      name: 'NodeLockedError',
      message:
        'This node (solo) is open in another tab. Close it there, or open another node with ' +
        '?node=other-name.',
    });
    const alert = second.page.getByText('open in another tab').first();
    await alert.waitFor({ state: 'visible' });
    expect(await alert.isVisible()).toBe(true);
    expect(await second.page.evaluate(() => window.__tidepool)).toBeUndefined();

    // The first tab is untouched, and still works.
    const roomId = await first.page.evaluate(() => window.__tidepool!.api.createRoom({}));
    expect(roomId).toMatch(/^!/);

    // Once the first tab has gone, the second gets the node (same identity, same data).
    await first.page.close();
    await second.page.reload();
    await waitForStart(second.page);
    expect(await identityOf(second.page)).toEqual(identity);
    const rooms = await second.page.evaluate(() => window.__tidepool!.api.rooms());
    expect(rooms.map((r) => r.roomId)).toEqual([roomId]);
    expect(first.errors).toEqual([]);
    await second.page.close();
  });

  it('lets a reloaded tab take its own node back at once', async () => {
    const node = await openNodePage(browser.context, 'reloaded');
    const identity = await identityOf(node.page);
    for (let i = 0; i < 3; i++) {
      await node.page.reload();
      await waitForStart(node.page);
      expect(await identityOf(node.page)).toEqual(identity);
    }
    expect(node.errors).toEqual([]);
    await node.page.close();
  });
});
