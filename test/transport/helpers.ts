/**
 * Transport test helpers: a real relay host in this process (WebSockets on a
 * free 127.0.0.1 port, a temporary key file) and browser-like peers in Node
 * (the real libp2p node and P2pTransport, over the relayed circuit, since
 * Node has no browser WebRTC stack here).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Libp2p } from '@libp2p/interface';
import { parseRelayConfig } from '../../relay/config.js';
import { type RelayHost, startRelayHost } from '../../relay/libp2p-host.js';
import { publicKeyFromSeed } from '../../src/core/crypto/ed25519.js';
import type { RequestHandler } from '../../src/federation/transport.js';
import { serverNameFor } from '../../src/node/server-name.js';
import { createPeerLibp2p } from '../../src/transport/create-libp2p.js';
import { LinkPolicy } from '../../src/transport/link-policy.js';
import { P2pTransport } from '../../src/transport/p2p-transport.js';
import { type RelayInfo, relayDialAddress } from '../../src/transport/relay-info.js';

/** A relay host for one test, and its cleanup. */
export async function startTestRelay(): Promise<{
  host: RelayHost;
  info: RelayInfo;
  stop(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'tidepool-relay-test-'));
  const config = parseRelayConfig(
    ['--ws-port', '0', '--http-port', '0', '--key-file', join(dir, 'key')],
    {},
    dir,
  );
  const host = await startRelayHost(config);
  const info = { peerId: host.peerId, multiaddrs: host.multiaddrs(), domain: host.domain };
  return {
    host,
    info,
    async stop() {
      await host.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A browser-like node: its libp2p node and transport. */
export interface TestPeer {
  serverName: string;
  libp2p: Libp2p;
  transport: P2pTransport;
  linksUp: string[];
  stop(): Promise<void>;
}

/** Starts a peer with a fresh identity that serves requests with `handler`. */
export async function startPeer(
  info: RelayInfo,
  handler: RequestHandler,
  options: { requestTimeoutMs?: number } = {},
): Promise<TestPeer> {
  const seed = new Uint8Array(randomBytes(32));
  const serverName = serverNameFor(publicKeyFromSeed(seed), info.domain);
  const policy = new LinkPolicy();
  const libp2p = await createPeerLibp2p({ seed, policy, webrtc: false });
  const linksUp: string[] = [];
  const transport = new P2pTransport({
    libp2p,
    relay: info,
    relayAddress: relayDialAddress(info),
    policy,
    handler,
    preferDirect: false,
    onLinkUp: (name) => linksUp.push(name),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  await transport.start();
  return {
    serverName,
    libp2p,
    transport,
    linksUp,
    async stop() {
      await transport.stop();
      await libp2p.stop();
    },
  };
}

/** Waits until `peer` holds a reservation on the relay (it can be dialled through it). */
export async function untilReserved(peer: TestPeer, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!peer.libp2p.getMultiaddrs().some((a) => a.toString().includes('/p2p-circuit'))) {
    if (Date.now() > deadline) throw new Error(`${peer.serverName} got no relay reservation`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
