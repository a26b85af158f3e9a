import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parseRelayConfig } from '../../relay/config.js';
import { type RelayHost, startRelayHost } from '../../relay/libp2p-host.js';
import { startPeer, type TestPeer, untilReserved } from './helpers.js';

/**
 * The relay goes away and comes back on the same address and key: both peers
 * redial it, make new reservations, and a new relayed connection between them
 * carries requests again. The relay sees both browser nodes register.
 */

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
});

it('peers re-register after a relay restart and new connections work', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tidepool-relay-restart-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'key');
  const first = await startRelayHost(
    parseRelayConfig(['--ws-port', '0', '--key-file', keyFile], {}, dir),
  );
  const wsPort = /\/tcp\/(\d+)\//.exec(first.multiaddrs()[0]!)![1]!;
  const info = { peerId: first.peerId, multiaddrs: first.multiaddrs(), domain: first.domain };
  const ok = async () => ({ status: 200, headers: {}, body: new Uint8Array([1]) });
  const a: TestPeer = await startPeer(info, ok);
  const b: TestPeer = await startPeer(info, ok);
  cleanup.push(a.stop, b.stop);
  await Promise.all([untilReserved(a), untilReserved(b)]);
  const get = { method: 'GET', path: '/_matrix/federation/v1/version', headers: {} };
  expect((await a.transport.request(b.serverName, get)).status).toBe(200);

  await first.stop();
  await expect(a.transport.request(b.serverName, get)).rejects.toMatchObject({
    name: 'TransportUnreachableError',
  });

  const second: RelayHost = await startRelayHost(
    parseRelayConfig(['--ws-port', wsPort, '--key-file', keyFile], {}, dir),
  );
  cleanup.push(() => second.stop());
  const registered: string[] = [];
  second.onPeer({ connected: (peer) => peer.serverName && registered.push(peer.serverName) });
  expect(second.peerId).toBe(first.peerId);
  await Promise.all([untilReserved(a, 30_000), untilReserved(b, 30_000)]);
  expect((await a.transport.request(b.serverName, get)).status).toBe(200);
  expect((await b.transport.request(a.serverName, get)).status).toBe(200);
  expect(registered).toEqual(expect.arrayContaining([a.serverName, b.serverName]));
}, 60_000);
