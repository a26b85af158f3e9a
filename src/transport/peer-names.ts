/**
 * Server name ↔ libp2p peer ID, with no lookup: a browser node's server name
 * is its Ed25519 identity key in base32, and its peer ID embeds the same key
 * (src/node/server-name.ts). Noise proves the key, so the name is proven too.
 */
import { publicKeyFromRaw } from '@libp2p/crypto/keys';
import type { PeerId } from '@libp2p/interface';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import { publicKeyOfServerName, serverNameFor } from '../node/server-name.js';

/** The peer ID of a browser node's server name, or undefined for any other server. */
export function peerIdOfServerName(serverName: string): PeerId | undefined {
  const key = publicKeyOfServerName(serverName);
  return key ? peerIdFromPublicKey(publicKeyFromRaw(key)) : undefined;
}

/** The server name a browser node with this peer ID has under `domain`, if it is one. */
export function serverNameOfPeer(peer: PeerId, domain: string): string | undefined {
  return peer.type === 'Ed25519' ? serverNameFor(peer.publicKey.raw, domain) : undefined;
}
