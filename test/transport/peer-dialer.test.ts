import type { Connection, Libp2p, PeerId } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { describe, expect, it } from 'vitest';
import { linkKindOf, PeerDialer } from '../../src/transport/peer-dialer.js';

/**
 * The dialer's choices alone, over a minimal stand-in for libp2p (only
 * `getConnections` and `dial`, which the dialer calls). Real dials between
 * two Chromiums are exercised by test/e2e/p2p-federation.test.ts.
 */
const relay = multiaddr(
  '/ip4/127.0.0.1/tcp/4001/ws/p2p/12D3KooWRelayRelayRelayRelayRelayRelayRelayRelay1',
);
const peer = { toString: () => '12D3KooWPeer' } as unknown as PeerId;

function connection(kind: 'relayed' | 'direct'): Connection {
  const address =
    kind === 'direct' ? '/ip4/127.0.0.1/udp/1/webrtc/p2p/12D3KooWPeer' : '/p2p-circuit/p2p/x';
  return {
    status: 'open',
    remoteAddr: { toString: () => address },
    limits: kind === 'relayed' ? { bytes: 1n } : undefined,
  } as unknown as Connection;
}

/** A libp2p whose dials finish when the test says. */
function fakeLibp2p() {
  const open: Connection[] = [];
  const dials: { address: string; settle: (c: Connection | Error) => void }[] = [];
  const libp2p = {
    getConnections: () => open,
    dial: (address: { toString(): string }) =>
      new Promise<Connection>((resolve, reject) => {
        dials.push({
          address: address.toString(),
          settle: (c) => (c instanceof Error ? reject(c) : resolve(c)),
        });
      }),
  } as unknown as Libp2p;
  return { libp2p, open, dials };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PeerDialer', () => {
  it('uses an open relayed circuit at once and dials WebRTC behind it', async () => {
    const { libp2p, open, dials } = fakeLibp2p();
    const relayed = connection('relayed');
    open.push(relayed);
    const dialer = new PeerDialer(libp2p, relay, true);
    expect(await dialer.connectionTo(peer, new AbortController().signal)).toBe(relayed);
    expect(dials.map((d) => d.address.includes('/webrtc'))).toEqual([true]);
    // A second request neither waits nor starts another dial.
    expect(await dialer.connectionTo(peer, new AbortController().signal)).toBe(relayed);
    expect(dials).toHaveLength(1);
    const direct = connection('direct');
    open.push(direct);
    dials[0]?.settle(direct);
    await tick();
    const now = await dialer.connectionTo(peer, new AbortController().signal);
    expect(linkKindOf(now)).toBe('direct-webrtc');
  });

  it('with no connection, waits for the WebRTC dial', async () => {
    const { libp2p, dials } = fakeLibp2p();
    const dialer = new PeerDialer(libp2p, relay, true);
    let settled = false;
    const connecting = dialer.connectionTo(peer, new AbortController().signal).then((c) => {
      settled = true;
      return c;
    });
    await tick();
    expect(settled).toBe(false);
    const direct = connection('direct');
    dials[0]?.settle(direct);
    expect(await connecting).toBe(direct);
  });

  it('stays on the circuit after WebRTC failed, without dialling again at once', async () => {
    const { libp2p, open, dials } = fakeLibp2p();
    const relayed = connection('relayed');
    open.push(relayed);
    const dialer = new PeerDialer(libp2p, relay, true);
    await dialer.connectionTo(peer, new AbortController().signal);
    dials[0]?.settle(new Error('no ICE'));
    await new Promise((resolve) => setTimeout(resolve, 450));
    dials[1]?.settle(new Error('no ICE'));
    await tick();
    expect(dials).toHaveLength(2); // the one retry of a tie, then nothing
    expect(await dialer.connectionTo(peer, new AbortController().signal)).toBe(relayed);
    expect(dials).toHaveLength(2);
  });
});
