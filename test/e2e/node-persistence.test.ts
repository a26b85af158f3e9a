import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium } from './helpers/browser.js';
import { identityOf, type NodePage, openNodePage, waitForStart } from './helpers/node-page.js';

/**
 * A node in its worker over real IndexedDB: what it stores survives a reload,
 * and each `?node=` name is a separate node with its own identity and data.
 */

let browser: ChromiumSession;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** What the UI reads about one room, through the worker. */
function snapshot(node: NodePage, roomId: string) {
  return node.page.evaluate(async (id) => {
    const api = window.__tidepool!.api;
    return {
      rooms: await api.rooms(),
      timeline: await api.timeline(id, { limit: 50 }),
      state: await api.roomState(id),
      members: await api.members(id),
    };
  }, roomId);
}

describe('a node in the browser', () => {
  it('keeps rooms, timeline and state across a reload', async () => {
    const node = await openNodePage(browser.context, 'persist');
    const before = await identityOf(node.page);
    const { roomId, eventIds } = await node.page.evaluate(async () => {
      const api = window.__tidepool!.api;
      const roomId = await api.createRoom({ name: 'Kept room', topic: 'Survives reloads' });
      const first = await api.sendMessage(roomId, { msgtype: 'm.text', body: 'first' });
      const more = await api.sendMessages(roomId, [
        { msgtype: 'm.text', body: 'second' },
        { msgtype: 'm.notice', body: 'third' },
      ]);
      return { roomId, eventIds: [first, ...more] };
    });
    const stored = await snapshot(node, roomId);
    expect(stored.rooms.map((r) => r.roomId)).toEqual([roomId]);
    expect(stored.state).toMatchObject({ name: 'Kept room', topic: 'Survives reloads' });
    const bodies = stored.timeline.items.map((item) => item.content.body);
    expect(bodies.slice(0, 3)).toEqual(['third', 'second', 'first']);
    expect(stored.timeline.items.slice(0, 3).map((item) => item.eventId)).toEqual(
      [...eventIds].reverse(),
    );

    await node.page.reload();
    await waitForStart(node.page);
    expect(await identityOf(node.page)).toEqual(before);
    expect(await snapshot(node, roomId)).toEqual(stored);
    expect(node.errors).toEqual([]);
    await node.page.close();
  });

  it('runs two nodes in two tabs with separate identities and data', async () => {
    const a = await openNodePage(browser.context, 'a');
    const b = await openNodePage(browser.context, 'b');
    const [idA, idB] = await Promise.all([identityOf(a.page), identityOf(b.page)]);
    expect(idA.serverName).toMatch(/^[a-z2-7]{52}\.localhost$/);
    expect(idB.serverName).toMatch(/^[a-z2-7]{52}\.localhost$/);
    expect(idA.serverName).not.toBe(idB.serverName);

    await a.page.evaluate(() => window.__tidepool!.api.createRoom({ name: 'Only A' }));
    expect(
      (await a.page.evaluate(() => window.__tidepool!.api.rooms())).map((r) => r.name),
    ).toEqual(['Only A']);
    expect(await b.page.evaluate(() => window.__tidepool!.api.rooms())).toEqual([]);

    const nodes = await b.page.evaluate(() => window.__tidepoolClient!.listNodes());
    expect(nodes).toEqual(
      expect.arrayContaining([
        { name: 'a', serverName: idA.serverName },
        { name: 'b', serverName: idB.serverName },
      ]),
    );
    expect([...a.errors, ...b.errors]).toEqual([]);
    await Promise.all([a.page.close(), b.page.close()]);
  });

  it('reports changes to a subscribed page listener, and errors with their errcode', async () => {
    const node = await openNodePage(browser.context, 'changes');
    const result = await node.page.evaluate(async () => {
      const { api } = window.__tidepool!;
      const changes: { kind: string; eventIds?: string[] }[] = [];
      const id = await api.subscribe(window.__tidepoolClient!.proxy((c) => void changes.push(c)));
      const roomId = await api.createRoom({ name: 'Watched' });
      const eventId = await api.sendMessage(roomId, { msgtype: 'm.text', body: 'hello' });
      const deadline = performance.now() + 5000;
      const seen = () =>
        changes.some((c) => c.kind === 'timeline' && c.eventIds?.includes(eventId));
      while (!seen() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await api.unsubscribe(id);
      const error = await api
        .sendMessage('!nope', { msgtype: 'm.text', body: 'x' })
        .catch((e: { name: string; errcode?: string; httpStatus?: number }) => ({
          name: e.name,
          errcode: e.errcode,
          httpStatus: e.httpStatus,
        }));
      return { seen: seen(), kinds: [...new Set(changes.map((c) => c.kind))], error };
    });
    expect(result.seen).toBe(true);
    expect(result.kinds).toContain('rooms');
    expect(result.error).toMatchObject({ errcode: expect.stringMatching(/^M_/) });
    expect(typeof (result.error as { httpStatus?: number }).httpStatus).toBe('number');
    await node.page.close();
  });

  it('refuses a node name outside [a-z0-9_-]{1,32}, in words', async () => {
    const node = await openNodePage(browser.context, 'Not A Name');
    const error = await node.page.evaluate(() => window.__tidepoolStartError);
    expect(error).toMatchObject({ name: 'InvalidNodeNameError' });
    expect(error?.message).toContain('is not a valid node name');
    await node.page.close();
  });
});
