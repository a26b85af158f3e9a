/**
 * The relay's HTTP side end to end: a standard homeserver (HTTPS, its own key)
 * and a browser-node stand-in (a real FederatedNode on a libp2p peer) talk
 * through the gateway and the forward protocol, every hop real: TLS,
 * `.well-known` delegation, Host routing, libp2p streams, X-Matrix checked by
 * the receiving server each way.
 */

import { peerIdFromString } from '@libp2p/peer-id';
import { lpStream } from '@libp2p/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachHttpSide, type HttpSide } from '../../relay/gateway/attach.js';
import { streamForwarder } from '../../relay/gateway/forward.js';
import { Gateway } from '../../relay/gateway/gateway.js';
import { forwardHandler, RELAY_ERROR_HEADER } from '../../relay/outbound/forward-handler.js';
import { HomeserverClient } from '../../relay/outbound/homeserver-client.js';
import { buildXMatrix } from '../../src/core/x-matrix.js';
import { createIdentity } from '../../src/node/identity.js';
import type { TidepoolNode } from '../../src/node/node.js';
import { readResponse, writeForwardRequest } from '../../src/transport/frames.js';
import { seededRandom } from '../node/helpers.js';
import {
  hasOpenssl,
  selfSignedCertificate,
  type TestCertificate,
} from '../support/standard-homeserver/cert.js';
import { StandardHomeserver } from '../support/standard-homeserver/homeserver.js';
import { tableDns } from '../support/standard-homeserver/table-dns.js';
import { type BrowserPeer, startBrowserPeer } from './browser-peer.js';
import { rawHttps, waitFor } from './https-client.js';
import { startTestHost, type TestHost } from './test-host.js';

const DOMAIN = 'tidepool.test';

/** The bodies of the room's messages on `node`, oldest first. */
async function messages(node: TidepoolNode, roomId: string): Promise<string[]> {
  const page = await node.timeline(roomId, { limit: 100 });
  return page.items
    .filter((item) => item.type === 'm.room.message')
    .map((item) => String(item.content.body));
}

/** A plain-HTTP GET to 127.0.0.1:`port` with `host`; resolves with status and JSON body. */
async function plainGet(port: number, host: string, path: string) {
  const { request } = await import('node:http');
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
const TIMEOUT_MS = 1500;

describe.runIf(hasOpenssl())('relay gateway and outbound path', () => {
  let gatewayCert: TestCertificate;
  let hsCert: TestCertificate;
  let host: TestHost;
  let http: HttpSide;
  let peer: BrowserPeer;
  let hs: StandardHomeserver;
  const relayErrors: unknown[] = [];

  beforeAll(async () => {
    gatewayCert = selfSignedCertificate([`*.${DOMAIN}`]);
    hsCert = selfSignedCertificate(['localhost'], ['127.0.0.1']);
    host = await startTestHost(DOMAIN);
    http = await attachHttpSide(host, {
      port: 0,
      tls: gatewayCert,
      timeoutMs: TIMEOUT_MS,
      outbound: {
        allowPrivateDestinations: true,
        ca: [hsCert.cert],
        dns: tableDns({ addresses: { localhost: ['127.0.0.1'] } }),
      },
      onError: (error) => relayErrors.push(error),
    });
    const relayAddress = host.multiaddrs()[0] ?? '';
    peer = await startBrowserPeer(DOMAIN, relayAddress, 1);
    await waitFor(
      () => http.registry.peerFor(peer.serverName) !== undefined,
      'the node to register',
    );
    hs = await StandardHomeserver.start({
      certificate: hsCert,
      ca: [gatewayCert.cert],
      dns: tableDns({ addresses: { [`*.${DOMAIN}`]: ['127.0.0.1'], localhost: ['127.0.0.1'] } }),
      wellKnownPort: http.port,
    });
  });

  afterAll(async () => {
    await hs?.close();
    await peer?.close();
    await http?.close();
    await host?.stop();
  });

  const gatewayRequest = (
    hostName: string,
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: Uint8Array } = {},
  ) =>
    rawHttps({
      port: http.port,
      host: hostName,
      path,
      ca: gatewayCert.cert,
      // TLS for a name the certificate covers; the Host header is what is tested.
      servername: `gateway.${DOMAIN}`,
      ...init,
    });

  it('answers .well-known for its nodes with the gateway port', async () => {
    const res = await gatewayRequest(peer.serverName, '/.well-known/matrix/server');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ 'm.server': `${peer.serverName}:${http.port}` });
  });

  it('tells the web app where the relay is, with CORS', async () => {
    const res = await gatewayRequest('127.0.0.1', '/_tidepool/v1/relay');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.json).toEqual({
      peerId: host.peerId,
      multiaddrs: host.multiaddrs(),
      domain: DOMAIN,
    });
  });

  it('resolves a node name by .well-known delegation to the gateway (step 3.2)', async () => {
    const target = await hs.client.resolver.resolve(peer.serverName);
    expect(target).toEqual({
      connectHost: peer.serverName,
      port: http.port,
      hostHeader: `${peer.serverName}:${http.port}`,
      tlsName: peer.serverName,
      step: '3.2',
    });
  });

  it("lets the homeserver fetch the node's keys through the gateway", async () => {
    const res = await hs.client.send(
      peer.serverName,
      { method: 'GET', path: '/_matrix/key/v2/server', headers: {} },
      AbortSignal.timeout(10_000),
    );
    expect(res.status).toBe(200);
    const keys = JSON.parse(new TextDecoder().decode(res.body));
    expect(keys.server_name).toBe(peer.serverName);
    expect(Object.keys(keys.verify_keys)).toEqual([peer.identity.signingKey.keyId]);
  });

  it('lets the homeserver join a room the node hosts, and messages cross both ways', async () => {
    const roomId = await peer.node.createRoom({ preset: 'public_chat', name: 'Harbour' });
    await hs.fed.joinRoom(roomId, [peer.serverName]);
    await hs.node.sendMessage(roomId, { msgtype: 'm.text', body: 'hello from the homeserver' });
    await waitFor(
      async () => (await messages(peer.node, roomId)).includes('hello from the homeserver'),
      'the node to receive the message',
    );
    await peer.node.sendMessage(roomId, { msgtype: 'm.text', body: 'hello from the tab' });
    await waitFor(
      async () => (await messages(hs.node, roomId)).includes('hello from the tab'),
      'the homeserver to receive the message',
    );
    // Each side served the other's signed requests: the node's make_join and
    // send_join through the gateway, the homeserver's /send from the node.
    expect(
      hs.served.some(
        (r) => r.method === 'PUT' && r.path.startsWith('/_matrix/federation/v1/send/'),
      ),
    ).toBe(true);
    expect(hs.served.some((r) => r.path === '/_matrix/key/v2/server')).toBe(true);
  });

  it('passes unsigned requests to the node, which refuses them with 401', async () => {
    const res = await gatewayRequest(peer.serverName, '/_matrix/federation/v1/send/unsigned-1', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: new TextEncoder().encode('{"pdus":[],"edus":[]}'),
    });
    expect(res.status).toBe(401);
    expect(res.json?.errcode).toBe('M_UNAUTHORIZED');
  });

  it('passes wrongly signed requests to the node, which refuses them with 401', async () => {
    const path = '/_matrix/federation/v1/send/forged-1';
    const signedBody = { origin: hs.serverName, origin_server_ts: Date.now(), pdus: [], edus: [] };
    const authorization = await buildXMatrix(
      {
        method: 'PUT',
        uri: path,
        origin: hs.serverName,
        destination: peer.serverName,
        content: signedBody,
      },
      hs.identity.signingKey.keyId,
      hs.identity.signingKey.seed,
    );
    const sent = { ...signedBody, origin_server_ts: signedBody.origin_server_ts + 1 };
    const res = await gatewayRequest(peer.serverName, path, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization },
      body: new TextEncoder().encode(JSON.stringify(sent)),
    });
    expect(res.status).toBe(401);
    expect(res.json?.errcode).toBe('M_UNAUTHORIZED');
    // The same signature over the body it was made for passes.
    const good = await gatewayRequest(peer.serverName, path, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization },
      body: new TextEncoder().encode(JSON.stringify(signedBody)),
    });
    expect(good.status).toBe(200);
  });

  it('refuses bodies over the limit with 413 M_TOO_LARGE', async () => {
    const res = await gatewayRequest(peer.serverName, '/_matrix/federation/v1/send/big-1', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: new Uint8Array(4 * 1024 * 1024 + 1),
    });
    expect(res.status).toBe(413);
    expect(res.json?.errcode).toBe('M_TOO_LARGE');
  });

  it('answers 404 M_NOT_FOUND for server names it does not host', async () => {
    const other = createIdentity({
      localpart: 'u',
      domain: 'elsewhere.test',
      random: seededRandom(9),
    });
    for (const name of ['matrix.example.org', other.serverName, `nope.${DOMAIN}`]) {
      const res = await gatewayRequest(name, '/_matrix/federation/v1/version');
      expect(res.status, name).toBe(404);
      expect(res.json?.errcode).toBe('M_NOT_FOUND');
    }
  });

  it('answers 400 for a Host that is not a server name, and for garbage request lines', async () => {
    const res = await gatewayRequest('bad_host!', '/_matrix/federation/v1/version');
    expect(res.status).toBe(400);
    expect(res.json?.errcode).toBe('M_UNRECOGNIZED');
    const { connect } = await import('node:tls');
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(
        { host: '127.0.0.1', port: http.port, servername: peer.serverName, ca: gatewayCert.cert },
        () => {
          socket.write('NOT AN HTTP REQUEST\r\n\r\n');
        },
      );
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw.startsWith('HTTP/1.1 400')).toBe(true);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).errcode).toBe('M_UNRECOGNIZED');
  });

  it('answers 502 at once for a node of ours that is not connected', async () => {
    const offline = createIdentity({ localpart: 'u', domain: DOMAIN, random: seededRandom(77) });
    const res = await gatewayRequest(offline.serverName, '/_matrix/federation/v1/version');
    expect(res.status).toBe(502);
    expect(res.json?.errcode).toBe('M_UNKNOWN');
    // .well-known is static delegation: it answers even while the tab is closed.
    const wellKnown = await gatewayRequest(offline.serverName, '/.well-known/matrix/server');
    expect(wellKnown.status).toBe(200);
  });

  it('answers 504 when a connected node does not answer within the timeout', async () => {
    peer.setHandler(() => new Promise(() => undefined));
    try {
      const res = await gatewayRequest(peer.serverName, '/_matrix/federation/v1/version');
      expect(res.status).toBe(504);
      expect(res.json?.errcode).toBe('M_UNKNOWN');
    } finally {
      peer.setHandler(peer.fed.handle);
    }
    const again = await gatewayRequest(peer.serverName, '/_matrix/federation/v1/version');
    expect(again.status).toBe(200);
  });

  it('forwards a node request to the homeserver over the forward protocol', async () => {
    const version = await peer.fed.client.request(
      hs.serverName,
      'GET',
      '/_matrix/federation/v1/version',
      undefined,
      { sign: false },
    );
    expect(version).toEqual({ server: { name: 'Tidepool', version: expect.any(String) } });
    expect(hs.served.some((r) => r.path === '/_matrix/federation/v1/version')).toBe(true);
  });

  it('refuses to forward to browser node names under its own domain', async () => {
    const before = relayErrors.length;
    await expect(
      peer.fed.client.request(peer.serverName, 'GET', '/_matrix/federation/v1/version', undefined, {
        sign: false,
      }),
    ).rejects.toMatchObject({ name: 'TransportUnreachableError' });
    expect(relayErrors.length).toBe(before);
  });

  it('limits requests per remote IP and per node with 429 M_LIMIT_EXCEEDED', async () => {
    const forward = streamForwarder((peerId, protocol, options) =>
      host.dial(peerId.toString(), protocol, options),
    );
    const relayInfo = () => ({ peerId: host.peerId, multiaddrs: host.multiaddrs() });
    const byIp = new Gateway({
      directory: http.registry,
      forward,
      relayInfo,
      port: 0,
      perIp: { burst: 3, perSecond: 0.01 },
    });
    const byPeer = new Gateway({
      directory: http.registry,
      forward,
      relayInfo,
      port: 0,
      perPeer: { burst: 2, perSecond: 0.01 },
    });
    const ipPort = await byIp.listen();
    const peerPort = await byPeer.listen();
    try {
      const path = '/_matrix/federation/v1/version';
      const ipStatuses = [];
      for (let i = 0; i < 4; i++) ipStatuses.push(await plainGet(ipPort, peer.serverName, path));
      expect(ipStatuses.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      expect(ipStatuses[3]?.json.errcode).toBe('M_LIMIT_EXCEEDED');
      expect(ipStatuses[3]?.json.retry_after_ms).toBeGreaterThan(0);

      const peerStatuses = [];
      for (let i = 0; i < 3; i++)
        peerStatuses.push((await plainGet(peerPort, peer.serverName, path)).status);
      expect(peerStatuses).toEqual([200, 200, 429]);
      // Another name is not held back by this node's limit.
      const offline = createIdentity({ localpart: 'u', domain: DOMAIN, random: seededRandom(78) });
      expect((await plainGet(peerPort, offline.serverName, path)).status).toBe(502);
    } finally {
      await byIp.close();
      await byPeer.close();
    }
  });

  it('limits forwarded requests per node with a marked 429', async () => {
    const protocol = '/tidepool/forward-limit-test/1';
    const handler = forwardHandler({
      client: http.client,
      directory: http.registry,
      perPeer: { burst: 1, perSecond: 0.01 },
    });
    await host.handle(protocol, (stream, _peer, connection) => handler(stream, connection));
    const relayPeer = peerIdFromString(host.peerId);
    const statuses: { status: number; marker?: string }[] = [];
    for (let i = 0; i < 2; i++) {
      const stream = await peer.libp2p.dialProtocol(relayPeer, protocol);
      const channel = lpStream(stream);
      await writeForwardRequest(channel, hs.serverName, {
        method: 'GET',
        path: '/_matrix/federation/v1/version',
        headers: {},
      });
      const response = await readResponse(channel);
      const marker = response.headers[RELAY_ERROR_HEADER];
      statuses.push(
        marker === undefined ? { status: response.status } : { status: response.status, marker },
      );
    }
    expect(statuses).toEqual([{ status: 200 }, { status: 429, marker: 'limited' }]);
  });

  it('refuses private destinations unless allowed', async () => {
    const strict = new HomeserverClient({
      dns: tableDns({ addresses: { localhost: ['127.0.0.1'] } }),
      ca: [hsCert.cert],
    });
    try {
      await expect(
        strict.send(
          hs.serverName,
          { method: 'GET', path: '/_matrix/federation/v1/version', headers: {} },
          AbortSignal.timeout(5000),
        ),
      ).rejects.toMatchObject({ name: 'OutboundError', kind: 'refused' });
      await expect(
        strict.send(
          '127.0.0.1:1',
          { method: 'GET', path: '/_matrix/federation/v1/version', headers: {} },
          AbortSignal.timeout(5000),
        ),
      ).rejects.toMatchObject({ name: 'OutboundError', kind: 'refused' });
    } finally {
      strict.close();
    }
  });
});
