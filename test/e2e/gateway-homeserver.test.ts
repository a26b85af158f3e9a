import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildXMatrix } from '../../src/core/x-matrix.js';
import type { TidepoolNode } from '../../src/node/node.js';
import { rawHttps, waitFor } from '../relay/https-client.js';
import {
  hasOpenssl,
  selfSignedCertificate,
  type TestCertificate,
} from '../support/standard-homeserver/cert.js';
import { StandardHomeserver } from '../support/standard-homeserver/homeserver.js';
import { tableDns } from '../support/standard-homeserver/table-dns.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './helpers/browser.js';
import { identityOf, nodeUrl, openNodePage, waitForStart } from './helpers/node-page.js';
import { type RelayProcess, startRelayProcess } from './helpers/relay.js';

/**
 * An ordinary homeserver joins a room hosted IN A BROWSER, through the real
 * relay process: the relay serves its gateway over HTTPS (`--tls-cert`,
 * `--tls-key`) and forwards the tab's requests to homeservers on loopback
 * (`--allow-private-destinations`, the homeserver's certificate trusted
 * through `NODE_EXTRA_CA_CERTS`). The homeserver (test/support/standard-homeserver/,
 * `localhost:<port>`, its own key) finds the tab's node by `.well-known`
 * delegation to the gateway (spec step 3.2) over its table DNS; the relay
 * finds the homeserver with the system resolver (`localhost` with an explicit
 * port, step 2). X-Matrix is checked by each receiving end, never by the relay.
 *
 * The node's name must be in the gateway's certificate and is random, so the
 * node starts once without a relay to learn its name, then again with one.
 * Page code is passed as strings: tsx would inject `__name` into functions.
 */

const NODE = 'gw-tab';

let workDir: string;
let relay: RelayProcess;
let context: BrowserContext;
let page: Page;
let nodeName: string;
let gatewayPort: number;
let gatewayCert: TestCertificate;
let hsCert: TestCertificate;
let hs: StandardHomeserver;
let roomId: string;
const pageErrors: string[] = [];

/** Chromium like helpers/browser.ts's, trusting the gateway's self-signed certificate. */
async function launch(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    // The page fetches `/_tidepool/v1/relay` from the gateway, whose
    // certificate is this test's own.
    ignoreHTTPSErrors: true,
  });
}

/** A request to the gateway as a remote server sends it: Host is the server name. */
function gatewayRequest(
  host: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: Uint8Array } = {},
) {
  return rawHttps({
    port: gatewayPort,
    host,
    path,
    ca: gatewayCert.cert,
    // TLS for a name the certificate covers; the Host header is what routes.
    servername: nodeName,
    ...init,
  });
}

/** The room's message bodies on the tab's node, oldest first. */
async function pageMessages(): Promise<string[]> {
  return page.evaluate(`(async () => {
    const page = await window.__tidepool.api.timeline(${JSON.stringify(roomId)}, { limit: 100 });
    return page.items.filter((item) => item.type === 'm.room.message')
      .map((item) => String(item.content.body)).reverse();
  })()`);
}

/** The room's message bodies on `node`. */
async function nodeMessages(node: TidepoolNode): Promise<string[]> {
  const timeline = await node.timeline(roomId, { limit: 100 });
  return timeline.items
    .filter((item) => item.type === 'm.room.message')
    .map((item) => String(item.content.body));
}

describe.runIf(hasOpenssl())('an ordinary homeserver and a browser node through the relay', () => {
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'tidepool-gateway-e2e-'));
    context = await launch(join(workDir, 'profile'));
    const first = await openNodePage(context, NODE, '&relay=off');
    page = first.page;
    page.on('pageerror', (error) => pageErrors.push(error.message));
    nodeName = (await identityOf(page)).serverName;

    gatewayCert = selfSignedCertificate([nodeName, 'localhost'], ['127.0.0.1']);
    hsCert = selfSignedCertificate(['localhost'], ['127.0.0.1']);
    const files = {
      cert: join(workDir, 'gateway-cert.pem'),
      key: join(workDir, 'gateway-key.pem'),
      hsCa: join(workDir, 'homeserver-ca.pem'),
    };
    await writeFile(files.cert, gatewayCert.cert);
    await writeFile(files.key, gatewayCert.key);
    await writeFile(files.hsCa, hsCert.cert);
    relay = await startRelayProcess({
      args: [
        '--tls-cert',
        files.cert,
        '--tls-key',
        files.key,
        '--allow-private-destinations',
        '--timeout-ms',
        '20000',
      ],
      env: { NODE_EXTRA_CA_CERTS: files.hsCa },
    });
    gatewayPort = Number(/:(\d+)$/.exec(relay.httpUrl)?.[1]);

    // The same node (same profile, same name), now on the relay.
    await page.goto(nodeUrl(NODE, `&relay=${encodeURIComponent(relay.httpUrl)}`));
    await waitForStart(page);
    await page.waitForFunction(
      `window.__tidepoolTransport?.status.state === 'connected' && window.__tidepoolTransport.reserved()`,
      undefined,
      { timeout: 30_000 },
    );

    hs = await StandardHomeserver.start({
      certificate: hsCert,
      ca: [gatewayCert.cert],
      // Browser nodes and the homeserver itself live on loopback; `.well-known`
      // is fetched from the gateway's port (it stands in for 443).
      dns: tableDns({ addresses: { [nodeName]: ['127.0.0.1'], localhost: ['127.0.0.1'] } }),
      wellKnownPort: gatewayPort,
    });
  });

  afterAll(async () => {
    await hs?.close();
    await context?.close();
    await relay?.dispose();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('serves the gateway over HTTPS and prints an https:// URL', async () => {
    expect(relay.httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await page.evaluate('window.__tidepoolTransport.serverName')).toBe(nodeName);
    const target = await hs.client.resolver.resolve(nodeName);
    expect(target).toMatchObject({ port: gatewayPort, tlsName: nodeName, step: '3.2' });
  });

  it('lets the homeserver join the tab’s room through make_join/send_join', async () => {
    roomId = (await page.evaluate(
      `window.__tidepool.api.createRoom({ preset: 'public_chat', name: 'Rock pool' })`,
    )) as string;
    expect(await hs.fed.joinRoom(roomId, [nodeName])).toBe(roomId);
    await waitFor(async () => {
      const members = (await page.evaluate(
        `window.__tidepool.api.members(${JSON.stringify(roomId)})`,
      )) as { userId: string; membership: string }[];
      return members.some((m) => m.userId === hs.user && m.membership === 'join');
    }, 'the tab to see the homeserver’s user joined');
  });

  it('carries the homeserver’s message into the tab’s timeline', async () => {
    await hs.node.sendMessage(roomId, { msgtype: 'm.text', body: 'hello from the homeserver' });
    await waitFor(
      async () => (await pageMessages()).includes('hello from the homeserver'),
      'the tab to receive the message',
    );
  });

  it('carries the tab’s message to the homeserver through the relay’s forward path', async () => {
    const before = hs.served.length;
    await page.evaluate(
      `window.__tidepool.api.sendMessage(${JSON.stringify(roomId)}, { msgtype: 'm.text', body: 'hello from the tab' })`,
    );
    await waitFor(
      async () => (await nodeMessages(hs.node)).includes('hello from the tab'),
      'the homeserver to receive the message',
    );
    // The homeserver accepted the tab's signed /send (its X-Matrix checked
    // against the key fetched through the gateway).
    const sends = hs.served
      .slice(before)
      .filter((r) => r.method === 'PUT' && r.path.startsWith('/_matrix/federation/v1/send/'));
    expect(sends.length).toBeGreaterThan(0);
  });

  it('lets the homeserver refuse a request in the tab’s name signed with another key (401)', async () => {
    const path = `/_matrix/federation/v1/send/not-the-tab-${Date.now()}`;
    const content = { origin: nodeName, origin_server_ts: Date.now(), pdus: [], edus: [] };
    const keyId = (await identityOf(page)).keyId;
    const authorization = await buildXMatrix(
      { method: 'PUT', uri: path, origin: nodeName, destination: hs.serverName, content },
      keyId,
      new Uint8Array(randomBytes(32)),
    );
    const res = await rawHttps({
      port: Number(hs.serverName.split(':')[1]),
      host: hs.serverName,
      method: 'PUT',
      path,
      headers: { 'content-type': 'application/json', authorization },
      body: new TextEncoder().encode(JSON.stringify(content)),
      ca: hsCert.cert,
    });
    expect(res.status).toBe(401);
    expect(res.json?.errcode).toBe('M_UNAUTHORIZED');
    expect(res.json?.error).toMatch(/signature/);
  });

  it('lets the tab refuse a request the homeserver signs with the wrong key (401)', async () => {
    const path = `/_matrix/federation/v1/send/wrong-key-${Date.now()}`;
    const content = { origin: hs.serverName, origin_server_ts: Date.now(), pdus: [], edus: [] };
    const request = { method: 'PUT', uri: path, origin: hs.serverName, destination: nodeName };
    const keyId = hs.identity.signingKey.keyId;
    const body = new TextEncoder().encode(JSON.stringify(content));
    const headers = (authorization: string) => ({
      'content-type': 'application/json',
      authorization,
    });
    const forged = await buildXMatrix(
      { ...request, content },
      keyId,
      new Uint8Array(randomBytes(32)),
    );
    const refused = await gatewayRequest(nodeName, path, {
      method: 'PUT',
      headers: headers(forged),
      body,
    });
    expect(refused.status).toBe(401);
    expect(refused.json?.errcode).toBe('M_UNAUTHORIZED');
    expect(refused.json?.error).toMatch(/signature/);
    // The same request signed with the homeserver's real key passes.
    const signed = await buildXMatrix({ ...request, content }, keyId, hs.identity.signingKey.seed);
    const accepted = await gatewayRequest(nodeName, path, {
      method: 'PUT',
      headers: headers(signed),
      body,
    });
    expect(accepted.status).toBe(200);
  });

  it('answers 404 M_NOT_FOUND for a server name it does not host', async () => {
    for (const name of [`nope.localhost`, 'matrix.example.org']) {
      const res = await gatewayRequest(name, '/_matrix/federation/v1/version');
      expect(res.status, name).toBe(404);
      expect(res.json?.errcode).toBe('M_NOT_FOUND');
    }
  });

  it('answers 502 M_UNKNOWN (not a 504 timeout) once the tab is closed', async () => {
    const online = await gatewayRequest(nodeName, '/_matrix/federation/v1/version');
    expect(online.status).toBe(200);
    await page.close();
    // The relay's timeout is 20 s and rawHttps gives up after 15 s, so a
    // gateway that waited for the closed tab instead of answering fails here.
    const offline = await gatewayRequest(nodeName, '/_matrix/federation/v1/version');
    expect(offline.status).toBe(502);
    expect(offline.json?.errcode).toBe('M_UNKNOWN');
    expect(pageErrors).toEqual([]);
  });
});
