/**
 * Which links this node refuses right now: the test and network-panel
 * controls (cut one peer's link, take the whole node offline) enforced AT THE
 * TRANSPORT, as a connection gater that libp2p consults on every dial and
 * every inbound connection, and as a check on every stream.
 */
import type { ConnectionGater, PeerId } from '@libp2p/interface';

/** The refusal state, shared by the gater and the transport. */
export class LinkPolicy {
  private readonly cut = new Set<string>();
  private offlineNow = false;

  get offline(): boolean {
    return this.offlineNow;
  }

  setOffline(offline: boolean): void {
    this.offlineNow = offline;
  }

  cutPeer(peer: PeerId | string): void {
    this.cut.add(peer.toString());
  }

  healPeer(peer: PeerId | string): void {
    this.cut.delete(peer.toString());
  }

  isCut(peer: PeerId | string): boolean {
    return this.cut.has(peer.toString());
  }

  /** True when nothing may pass to or from `peer`. */
  refuses(peer: PeerId | string): boolean {
    return this.offlineNow || this.cut.has(peer.toString());
  }
}

/**
 * The gater for a browser node. Unlike libp2p's browser default it allows
 * loopback and private addresses and plain `ws://` (the relay runs on
 * 127.0.0.1 in development and tests); everything else follows the policy.
 */
export function createConnectionGater(policy: LinkPolicy): ConnectionGater {
  return {
    denyDialMultiaddr: () => policy.offline,
    denyDialPeer: (peer) => policy.refuses(peer),
    denyInboundConnection: () => policy.offline,
    denyInboundEncryptedConnection: (peer) => policy.refuses(peer),
    denyOutboundEncryptedConnection: (peer) => policy.refuses(peer),
    denyInboundRelayedConnection: (_relay, remote) => policy.refuses(remote),
    denyOutboundRelayedConnection: (_source, destination) => policy.refuses(destination),
  };
}
