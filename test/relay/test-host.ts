/**
 * A minimal relay libp2p host for these tests (relay/libp2p-host.ts is the
 * real one): WebSockets on 127.0.0.1, Noise, Yamux, identify, with the
 * `HostForGateway` shape the HTTP side plugs into.
 */
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { peerIdFromString } from '@libp2p/peer-id';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p, type Libp2p } from 'libp2p';
import type { HostForGateway } from '../../relay/gateway/attach.js';

/** The test host and its libp2p node. */
export type TestHost = HostForGateway & { libp2p: Libp2p; stop(): Promise<void> };

/** Starts a relay-side libp2p node under `domain`. */
export async function startTestHost(domain: string): Promise<TestHost> {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0/ws'] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
  });
  type Listener = Parameters<HostForGateway['onPeer']>[0];
  const listeners = new Set<Listener>();
  node.addEventListener('peer:connect', (event) => {
    for (const listener of listeners) listener.connected?.({ peerId: event.detail.toString() });
  });
  node.addEventListener('peer:disconnect', (event) => {
    for (const listener of listeners) listener.disconnected?.({ peerId: event.detail.toString() });
  });
  return {
    libp2p: node,
    domain,
    peerId: node.peerId.toString(),
    multiaddrs: () => node.getMultiaddrs().map((address) => address.toString()),
    dial: (peerId, protocol, options) =>
      node.dialProtocol(
        peerIdFromString(peerId),
        protocol,
        options?.signal ? { signal: options.signal } : {},
      ),
    handle: (protocol, handler) =>
      node.handle(protocol, async (stream, connection) => {
        await handler(stream, { peerId: connection.remotePeer.toString() }, connection);
      }),
    onPeer(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    connectedPeers: () => node.getPeers().map((peer) => ({ peerId: peer.toString() })),
    async stop() {
      await node.stop();
    },
  };
}
