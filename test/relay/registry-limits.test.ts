/** The registry's name ↔ peer mapping, and the token-bucket rate limiter. */
import { generateKeyPair, generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../relay/limits.js';
import { NodeRegistry } from '../../relay/registry.js';
import { createIdentity } from '../../src/node/identity.js';
import { seededRandom } from '../node/helpers.js';

describe('NodeRegistry', () => {
  it('names an Ed25519 peer by its key, as the node names itself', async () => {
    const identity = createIdentity({
      localpart: 'u',
      domain: 'relay.test',
      random: seededRandom(3),
    });
    const peerId = peerIdFromPrivateKey(
      await generateKeyPairFromSeed('Ed25519', identity.signingKey.seed),
    );
    const registry = new NodeRegistry({ domain: 'Relay.Test' });
    expect(registry.peerFor(identity.serverName)).toBeUndefined();
    expect(registry.peerConnected(peerId)).toBe(identity.serverName);
    expect(registry.peerFor(identity.serverName)?.equals(peerId)).toBe(true);
    expect(registry.peerFor(identity.serverName.toUpperCase())?.equals(peerId)).toBe(true);
    expect(registry.peerIdOf(identity.serverName)?.equals(peerId)).toBe(true);
    registry.peerDisconnected(peerId.toString());
    expect(registry.peerFor(identity.serverName)).toBeUndefined();
    expect(registry.isNodeName(identity.serverName)).toBe(true);
  });

  it('ignores peers whose key is not Ed25519', async () => {
    const registry = new NodeRegistry({ domain: 'relay.test' });
    const peerId = peerIdFromPrivateKey(await generateKeyPair('secp256k1'));
    expect(registry.peerConnected(peerId)).toBeUndefined();
    expect(registry.connected()).toEqual([]);
  });

  it('knows node names only under its own domain', () => {
    const registry = new NodeRegistry({ domain: 'relay.test' });
    const ours = createIdentity({
      localpart: 'u',
      domain: 'relay.test',
      random: seededRandom(4),
    }).serverName;
    const theirs = createIdentity({
      localpart: 'u',
      domain: 'other.test',
      random: seededRandom(4),
    }).serverName;
    expect(registry.isNodeName(ours)).toBe(true);
    expect(registry.isNodeName(theirs)).toBe(false);
    expect(registry.isNodeName('matrix.relay.test')).toBe(false);
    expect(registry.isNodeName('relay.test')).toBe(false);
    expect(registry.isNodeName(`${ours}:8448`)).toBe(false);
  });
});

describe('RateLimiter', () => {
  it('allows the burst, then refills at the rate, per key', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 3, perSecond: 2 }, () => now);
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 500 });
    expect(limiter.take('b').ok).toBe(true);
    now += 500;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    now += 10_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a').ok)).toEqual([true, true, true, false]);
  });
});
