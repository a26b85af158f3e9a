/**
 * The libp2p node of a browser node: its identity is the node's own Ed25519
 * key (so its peer ID is its server name in another spelling), it dials the
 * relay over WebSockets, holds a circuit reservation there (`/p2p-circuit`)
 * and accepts WebRTC connections signalled over it (`/webrtc`). No STUN or
 * TURN servers: candidates are the host's own addresses, and the relayed
 * circuit is the fallback when those do not connect.
 */
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { identify } from '@libp2p/identify';
import type { Libp2p } from '@libp2p/interface';
import { ping } from '@libp2p/ping';
import { webRTC } from '@libp2p/webrtc';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p } from 'libp2p';
import { createConnectionGater, type LinkPolicy } from './link-policy.js';

/** Options for createPeerLibp2p. */
export interface PeerLibp2pOptions {
  /** The node's 32-byte Ed25519 identity seed. */
  seed: Uint8Array;
  policy: LinkPolicy;
  /** Accept and dial WebRTC (default true; Node tests without a WebRTC stack turn it off). */
  webrtc?: boolean;
}

/** Creates and starts the node's libp2p node. */
export async function createPeerLibp2p(options: PeerLibp2pOptions): Promise<Libp2p> {
  const privateKey = await generateKeyPairFromSeed('Ed25519', options.seed);
  const webrtc = options.webrtc ?? true;
  return await createLibp2p({
    privateKey,
    addresses: { listen: webrtc ? ['/p2p-circuit', '/webrtc'] : ['/p2p-circuit'] },
    transports: [
      webSockets(),
      ...(webrtc ? [webRTC({ rtcConfiguration: { iceServers: [] } })] : []),
      circuitRelayTransport({ reservationCompletionTimeout: 10_000 }),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ maxEarlyStreams: 256 })],
    connectionGater: createConnectionGater(options.policy),
    services: { identify: identify(), ping: ping() },
  });
}
