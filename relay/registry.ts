/**
 * The browser nodes connected to this relay: peer ID ↔ server name. A node's
 * server name is `<base32 of its Ed25519 key>.<domain>` and its peer ID embeds
 * the same key (src/node/server-name.ts), so both directions are computed, not
 * looked up; the registry only records who is connected now.
 *
 * The libp2p host feeds it (`peerConnected` on `peer:connect`,
 * `peerDisconnected` on `peer:disconnect`); the gateway reads it.
 */
import { publicKeyFromRaw } from '@libp2p/crypto/keys';
import type { PeerId } from '@libp2p/interface';
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id';
import { publicKeyOfServerName, serverNameFor } from '../src/node/server-name.js';

/** What the libp2p host calls. */
export interface PeerEvents {
  /**
   * A peer connected (its first connection; a peer ID or its string form).
   * Returns its server name, or undefined if it is no browser node.
   */
  peerConnected(peerId: PeerId | string): string | undefined;
  /** A peer's last connection closed. */
  peerDisconnected(peerId: PeerId | string): void;
}

/** What the gateway reads. */
export interface NodeDirectory {
  /** The domain browser nodes live under. */
  readonly domain: string;
  /** The connected peer serving `serverName` (no port), if any. */
  peerFor(serverName: string): PeerId | undefined;
  /** True when `serverName` is a browser node name under our domain, connected or not. */
  isNodeName(serverName: string): boolean;
}

/** Connected browser nodes under one domain. */
export class NodeRegistry implements PeerEvents, NodeDirectory {
  readonly domain: string;
  private readonly byName = new Map<string, PeerId>();

  constructor(options: {
    /** The relay's domain: nodes are `<key>.<domain>`. Lower-cased. */
    domain: string;
  }) {
    this.domain = options.domain.toLowerCase();
  }

  /** The server name of `peerId` under our domain; undefined unless its key is Ed25519. */
  serverNameOf(peerId: PeerId): string | undefined {
    if (peerId.type !== 'Ed25519' || peerId.publicKey === undefined) return undefined;
    return serverNameFor(peerId.publicKey.raw, this.domain);
  }

  /** The peer ID a browser node name stands for, connected or not. */
  peerIdOf(serverName: string): PeerId | undefined {
    if (!this.isNodeName(serverName)) return undefined;
    const key = publicKeyOfServerName(serverName.toLowerCase());
    return key === undefined ? undefined : peerIdFromPublicKey(publicKeyFromRaw(key));
  }

  isNodeName(serverName: string): boolean {
    const name = serverName.toLowerCase();
    const dot = name.indexOf('.');
    if (dot === -1 || name.slice(dot + 1) !== this.domain) return false;
    return publicKeyOfServerName(name) !== undefined;
  }

  peerConnected(peer: PeerId | string): string | undefined {
    const peerId = typeof peer === 'string' ? peerIdFromString(peer) : peer;
    const name = this.serverNameOf(peerId);
    if (name !== undefined) this.byName.set(name, peerId);
    return name;
  }

  peerDisconnected(peer: PeerId | string): void {
    const peerId = typeof peer === 'string' ? peerIdFromString(peer) : peer;
    const name = this.serverNameOf(peerId);
    if (name !== undefined && this.byName.get(name)?.equals(peerId)) this.byName.delete(name);
  }

  peerFor(serverName: string): PeerId | undefined {
    return this.byName.get(serverName.toLowerCase());
  }

  /** The server names connected now. */
  connected(): string[] {
    return [...this.byName.keys()];
  }
}
