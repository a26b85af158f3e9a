import { expose, proxy, type Remote, wrap } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  FederationRequest,
  FederationResponse,
  FederationTransport,
} from '../../src/federation/transport.js';
import { TransportUnreachableError } from '../../src/federation/transport-errors.js';
import { installErrorTransfer } from '../../src/worker/error-transfer.js';
import { createWorkerApi, type WorkerApi } from '../../src/worker/node-host.js';
import { memoryLocks } from '../../src/worker/node-lock.js';
import { tidepoolFactory } from '../../src/worker/tidepool-factory.js';
import { freshFactory } from '../store/helpers.js';

/**
 * The worker's federation as the page drives it: two real worker hosts (real
 * TidepoolNodes over their own fake IndexedDB) behind real comlink channels,
 * and a "page" carrier per host that hands each request to the other host's
 * `handleFederation`, the way the libp2p transport does in the browser.
 */

installErrorTransfer();
const ports: MessagePort[] = [];

function startHost(): Remote<WorkerApi> {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  expose(
    createWorkerApi({
      factory: tidepoolFactory(),
      acquireLock: memoryLocks(new Set()),
      indexedDB: freshFactory(),
    }),
    port1,
  );
  return wrap<WorkerApi>(port2);
}

afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

/** The page's carrier: routes by server name to the hosts it can reach. */
function pageTransport(
  reachable: Map<string, Remote<WorkerApi>>,
  from: string,
  cut: Set<string>,
): FederationTransport {
  return {
    async request(destination: string, request: FederationRequest): Promise<FederationResponse> {
      const host = reachable.get(destination);
      if (host === undefined || cut.has(destination)) {
        throw new TransportUnreachableError(destination, 'no link');
      }
      return host.handleFederation(request, { remoteAddress: `page:${from}` });
    },
  };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the worker federation, driven from the page', () => {
  it('answers 503 before the page attaches a transport, and joinRoom says why in words', async () => {
    const host = startHost();
    await host.open('a', { localpart: 'alice' });
    const answer = await host.handleFederation(
      { method: 'GET', path: '/_matrix/federation/v1/version', headers: {} },
      {},
    );
    expect(answer.status).toBe(503);
    expect(JSON.parse(new TextDecoder().decode(answer.body))).toMatchObject({
      errcode: 'M_UNKNOWN',
    });
    const roomId = await host.createRoom({});
    await expect(host.invite(roomId, '@bob:example.org')).rejects.toMatchObject({
      errcode: 'M_FORBIDDEN',
      message: expect.stringMatching(/not connected to the federation to invite them/),
    });
    await expect(host.joinRoom('!x:example.org', [])).rejects.toMatchObject({
      errcode: 'M_UNKNOWN',
      message: expect.stringMatching(/not connected to the federation/),
    });
  });

  it('gives the page the seed of the server name, for the libp2p key', async () => {
    const host = startHost();
    const identity = await host.open('a', {});
    if (identity.status !== 'ready') throw new Error('not ready');
    const key = await host.transportKey();
    expect(key.serverName).toBe(identity.identity.serverName);
    expect(key.seed).toHaveLength(32);
  });

  it('joins a room across two workers, carries messages both ways, and catches up after a cut link', async () => {
    const a = startHost();
    const b = startHost();
    const openA = await a.open('a', { localpart: 'alice' });
    const openB = await b.open('b', { localpart: 'bob' });
    if (openA.status !== 'ready' || openB.status !== 'ready') throw new Error('not ready');
    const nameA = openA.identity.serverName;
    const nameB = openB.identity.serverName;
    const hosts = new Map([
      [nameA, a],
      [nameB, b],
    ]);
    const cutAtA = new Set<string>();
    // A view may listen for typing and receipts before the federation starts.
    const changes: string[] = [];
    await a.subscribeEdus(proxy((change: { kind: string }) => void changes.push(change.kind)));
    await a.startFederation(proxy(pageTransport(hosts, nameA, cutAtA)));
    await b.startFederation(proxy(pageTransport(hosts, nameB, new Set())));
    await expect(
      a.startFederation(proxy(pageTransport(hosts, nameA, cutAtA))),
    ).rejects.toMatchObject({ errcode: 'M_UNKNOWN' });

    const roomId = await a.createRoom({ name: 'Tide', preset: 'public_chat' });
    expect(await b.joinRoom(roomId, [nameA])).toBe(roomId);
    await b.sendMessage(roomId, { msgtype: 'm.text', body: 'hello from b' });
    await until(async () => {
      const page = await a.timeline(roomId, { limit: 5 });
      return page.items.some((item) => item.content.body === 'hello from b');
    }, 'b → a');

    // Typing and receipts go through the worker's EDU sender; the directory through publicRooms.
    await b.setTyping(roomId, true);
    await until(async () => (await a.typing(roomId)).includes(`@bob:${nameB}`), 'typing at a');
    const [last] = (await b.timeline(roomId, { limit: 1 })).items;
    await b.sendReceipt(roomId, last!.eventId);
    await until(
      async () => (await a.receipts(roomId)).some((r) => r.eventIds.includes(last!.eventId)),
      'receipt at a',
    );
    expect(changes).toEqual(expect.arrayContaining(['typing', 'receipt']));
    expect((await b.publicRooms(nameA)).rooms).toEqual([]);
    await a.publishRoom(roomId, true);
    const listed = await b.publicRooms(nameA, { searchTerm: 'tid' });
    expect(listed.rooms).toMatchObject([{ room_id: roomId, name: 'Tide', num_joined_members: 2 }]);

    // History from before B's join comes from A on request: A's room set-up, and then no more.
    const before = (await b.timeline(roomId, { limit: 100 })).items.length;
    expect(await b.backfill(roomId, 20)).toEqual({ added: 5, more: false });
    expect((await b.timeline(roomId, { limit: 100 })).items.length).toBeGreaterThan(before);

    // An invite to a user of the other server goes over the federation (v2 invite).
    const secret = await a.createRoom({ name: 'Private', preset: 'private_chat' });
    await a.invite(secret, `@bob:${nameB}`);
    await until(
      async () => (await b.rooms()).some((r) => r.roomId === secret && r.membership === 'invite'),
      'the invite at b',
    );
    await b.rejectInvite(secret);
    await until(
      async () =>
        (await a.members(secret)).some(
          (m) => m.userId === `@bob:${nameB}` && m.membership === 'leave',
        ),
      'the declined invite at a',
    );
    expect((await b.rooms()).some((r) => r.roomId === secret)).toBe(false);

    // A's link to B goes down: A's message waits in its outbound queue.
    cutAtA.add(nameB);
    await a.sendMessage(roomId, { msgtype: 'm.text', body: 'while cut' });
    await until(
      async () => (await a.outboundStatus()).some((d) => d.destination === nameB && d.failures > 0),
      'a failure in the queue status',
    );
    expect((await a.outboundStatus()).find((d) => d.destination === nameB)).toMatchObject({
      queued: 1,
      retryAt: expect.any(Number),
    });
    cutAtA.delete(nameB);
    await a.wakeServer(nameB);
    await until(async () => {
      const page = await b.timeline(roomId, { limit: 5 });
      return page.items.some((item) => item.content.body === 'while cut');
    }, 'a → b after the link came back');
  });
});
