/**
 * The HTTP side on the real relay libp2p host (relay/libp2p-host.ts): a node
 * that connects is served through the gateway, and once it disconnects the
 * gateway says so (502) instead of hanging.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parseRelayConfig } from '../../relay/config.js';
import { attachHttpSide } from '../../relay/gateway/attach.js';
import { startRelayHost } from '../../relay/libp2p-host.js';
import { startBrowserPeer } from './browser-peer.js';
import { waitFor } from './https-client.js';

function get(port: number, host: string, path: string) {
  return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { host }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            json: JSON.parse(Buffer.concat(chunks).toString()),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

it('serves a node through the real relay host, and reports it gone after it leaves', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidepool-relay-'));
  const argv = ['--ws-port', '0', '--http-port', '0', '--domain', 'tidepool.test'];
  const config = parseRelayConfig([...argv, '--key-file', join(dir, 'key')], {}, dir);
  const host = await startRelayHost(config);
  const http = await attachHttpSide(host, { port: 0 });
  try {
    const peer = await startBrowserPeer('tidepool.test', host.multiaddrs()[0] ?? '', 5);
    await waitFor(
      () => http.registry.peerFor(peer.serverName) !== undefined,
      'the node to register',
    );
    const version = await get(
      http.port,
      `${peer.serverName}:8448`,
      '/_matrix/federation/v1/version',
    );
    expect(version).toEqual({
      status: 200,
      json: { server: { name: 'Tidepool', version: expect.any(String) } },
    });
    const info = await get(http.port, '127.0.0.1', '/_tidepool/v1/relay');
    expect(info.json).toEqual({
      peerId: host.peerId,
      multiaddrs: host.multiaddrs(),
      domain: 'tidepool.test',
    });
    await peer.close();
    await waitFor(() => http.registry.peerFor(peer.serverName) === undefined, 'the node to leave');
    const gone = await get(http.port, peer.serverName, '/_matrix/federation/v1/version');
    expect(gone.status).toBe(502);
  } finally {
    await http.close();
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
