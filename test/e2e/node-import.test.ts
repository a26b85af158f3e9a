import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium } from './helpers/browser.js';
import {
  identityOf,
  nodeUrl,
  openNodePage,
  startErrorOf,
  waitForStart,
} from './helpers/node-page.js';

/**
 * Moving a node: export its identity in one browser profile, import it into
 * another (separate Chromium user-data-dirs), and get the same server name.
 */

let source: ChromiumSession;
let target: ChromiumSession;

beforeAll(async () => {
  [source, target] = await Promise.all([launchChromium(), launchChromium()]);
});

afterAll(async () => {
  await Promise.all([source?.close(), target?.close()]);
});

describe('identity export and import', () => {
  it('gives the imported node the same server name, user and key in another profile', async () => {
    const origin = await openNodePage(source.context, 'default');
    const original = await identityOf(origin.page);
    const file = await origin.page.evaluate(() => window.__tidepool!.api.exportIdentity());
    expect(JSON.parse(file)).toMatchObject({
      tidepool_identity: 1,
      server_name: original.serverName,
    });

    // The import form leaves the file in sessionStorage and opens ?node=NAME&import.
    const landing = await openNodePage(target.context, 'default');
    const other = await identityOf(landing.page);
    expect(other.serverName).not.toBe(original.serverName);
    await landing.page.evaluate(
      (text) => sessionStorage.setItem('tidepool-import:moved', text),
      file,
    );
    await landing.page.goto(nodeUrl('moved', '&import'));
    await waitForStart(landing.page);
    const imported = await identityOf(landing.page);
    expect(imported).toEqual(original);
    expect(await landing.page.evaluate(() => sessionStorage.getItem('tidepool-import:moved'))).toBe(
      null,
    );

    // The import is a node of that profile now: it reopens without the file.
    await landing.page.close();
    const reopened = await openNodePage(target.context, 'moved');
    expect(await identityOf(reopened.page)).toEqual(original);
    const nodes = await reopened.page.evaluate(() => window.__tidepoolClient!.listNodes());
    expect(nodes).toEqual(
      expect.arrayContaining([
        { name: 'default', serverName: other.serverName },
        { name: 'moved', serverName: original.serverName },
      ]),
    );
    expect([...origin.errors, ...reopened.errors]).toEqual([]);
    await Promise.all([origin.page.close(), reopened.page.close()]);
  });

  it('refuses a second node for an identity this profile already runs', async () => {
    const node = await openNodePage(source.context, 'again');
    const file = await node.page.evaluate(() => window.__tidepool!.api.exportIdentity());
    const result = await node.page.evaluate(
      (text) =>
        window
          .__tidepoolClient!.startNode('copy', { importIdentity: text })
          .then(() => null)
          .catch((e: { name: string; message: string; errcode?: string }) => ({
            name: e.name,
            message: e.message,
            errcode: e.errcode,
          })),
      file,
    );
    expect(result).toMatchObject({ name: 'NodeIdentityTakenError', errcode: 'M_FORBIDDEN' });
    expect(result?.message).toContain('?node=again');
    await node.page.close();
  });

  it('shows a file that is not an identity file as a start error in words', async () => {
    const node = await openNodePage(target.context, 'default');
    await node.page.evaluate(() => sessionStorage.setItem('tidepool-import:broken', '{"a": 1}'));
    await node.page.goto(nodeUrl('broken', '&import'));
    await waitForStart(node.page);
    const error = await startErrorOf(node.page);
    expect(error.name).toBe('InvalidInputError');
    expect(error.message).toContain('identity file');
    const names = await node.page.evaluate(() => window.__tidepoolClient!.listNodes());
    expect(names.map((n) => n.name)).not.toContain('broken');
    await node.page.close();
  });
});
