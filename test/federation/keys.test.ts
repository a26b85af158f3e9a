import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../../src/core/base64.js';
import { publicKeyFromSeed } from '../../src/core/crypto/ed25519.js';
import { verifyServerKeys } from '../../src/core/server-keys.js';
import { verifyJson } from '../../src/core/signing.js';
import { DEFAULT_RETRY_AFTER_FAILURE_MS } from '../../src/federation/keys/key-ring.js';
import { OWN_KEYS_VALIDITY_MS } from '../../src/federation/keys/own-keys.js';
import { deliveriesTo, rotate, testNetwork } from './helpers.js';

const KEY_PATH = '/_matrix/key/v2/server';
const pub = (seed: Uint8Array) => publicKeyFromSeed(seed);

describe('key ring', () => {
  it('three nodes fetch each other’s keys over the network', async () => {
    const { nodes, now } = await testNetwork(3);
    for (const a of nodes) {
      for (const b of nodes) {
        const key = await a.keyRing.lookup(b.name, b.identity.signingKey.keyId, now());
        expect(key).toEqual(pub(b.identity.signingKey.seed));
        expect(await a.keyRing.requestKeyLookup(b.name, b.identity.signingKey.keyId)).toEqual(key);
      }
    }
  });

  it('caches: a second lookup, and one after a restart, do not hit the network', async () => {
    const { nodes, network, now } = await testNetwork(2);
    const [a, b] = nodes as [NonNullable<(typeof nodes)[0]>, NonNullable<(typeof nodes)[0]>];
    const keyId = b.identity.signingKey.keyId;
    await a.keyRing.lookup(b.name, keyId, now());
    await a.keyRing.lookup(b.name, keyId, now());
    await a.keyRing.requestKeyLookup(b.name, keyId);
    expect(deliveriesTo(network, b.name, KEY_PATH)).toBe(1);
    const stored = await a.store.read(['serverKeys'], (t) =>
      t.serverKeys.forServer(b.identity.serverName),
    );
    expect(stored).toEqual([
      {
        serverName: b.name,
        keyId,
        publicKey: encodeBase64(pub(b.identity.signingKey.seed)),
        validUntilTs: now() + OWN_KEYS_VALIDITY_MS,
      },
    ]);
    // A new key ring over the same store (a reopened tab) reads the cache.
    const { KeyRing } = await import('../../src/federation/keys/key-ring.js');
    const reopened = new KeyRing({
      store: a.store,
      client: a.client,
      identity: () => a.identity,
      now,
    });
    expect(await reopened.lookup(b.name, keyId, now())).toEqual(pub(b.identity.signingKey.seed));
    expect(deliveriesTo(network, b.name, KEY_PATH)).toBe(1);
  });

  it('concurrent lookups for one server share one fetch', async () => {
    const { nodes, network, now } = await testNetwork(2);
    const [a, b] = nodes as [NonNullable<(typeof nodes)[0]>, NonNullable<(typeof nodes)[0]>];
    const keys = await Promise.all(
      Array.from({ length: 10 }, () =>
        a.keyRing.lookup(b.name, b.identity.signingKey.keyId, now()),
      ),
    );
    expect(new Set(keys.map((k) => k && encodeBase64(k))).size).toBe(1);
    expect(deliveriesTo(network, b.name, KEY_PATH)).toBe(1);
  });

  it('refetches on an unknown key ID, at most once per interval however many arrive', async () => {
    const { nodes, network, now, clock } = await testNetwork(2);
    const [a, b] = nodes as [NonNullable<(typeof nodes)[0]>, NonNullable<(typeof nodes)[0]>];
    const oldKeyId = b.identity.signingKey.keyId;
    await a.keyRing.lookup(b.name, oldKeyId, now());
    expect(deliveriesTo(network, b.name, KEY_PATH)).toBe(1);

    // A flood of made-up key IDs right after the fetch: no new fetch at all.
    for (let i = 0; i < 20; i++) {
      expect(await a.keyRing.lookup(b.name, `ed25519:bogus${i}`, now())).toBeUndefined();
    }
    expect(deliveriesTo(network, b.name, KEY_PATH)).toBe(1);

    // b rotates; once the interval has passed, its new key ID triggers one fetch.
    const rotatedAt = now();
    b.identity = rotate(b.identity, 99, rotatedAt);
    await clock.advance(60_000);
    const lookups = await Promise.all(
      ['ed25519:r99', 'ed25519:nope1', 'ed25519:nope2'].map((k) =>
        a.keyRing.lookup(b.name, k, now()),
      ),
    );
    expect(lookups[0]).toEqual(pub(b.identity.signingKey.seed));
    expect(lookups.slice(1)).toEqual([undefined, undefined]);
    expect(deliveriesTo(network, b.name, KEY_PATH)).toBe(2);

    // The rotated-out key now verifies events up to its expired_ts only, and no requests.
    expect(await a.keyRing.lookup(b.name, oldKeyId, rotatedAt)).toBeDefined();
    expect(await a.keyRing.requestKeyLookup(b.name, oldKeyId)).toBeUndefined();
  });

  it('a failed fetch is tried again after a few seconds, not after the whole interval', async () => {
    const { nodes, network, now, clock } = await testNetwork(2);
    const [a, b] = nodes as [NonNullable<(typeof nodes)[0]>, NonNullable<(typeof nodes)[0]>];
    const keyId = b.identity.signingKey.keyId;
    network.setOffline(b.name);
    expect(await a.keyRing.lookup(b.name, keyId, now())).toBeUndefined();
    network.setOffline(b.name, false);
    // Within the short wait: no new fetch, however many ask.
    await clock.advance(DEFAULT_RETRY_AFTER_FAILURE_MS - 1);
    expect(await a.keyRing.lookup(b.name, keyId, now())).toBeUndefined();
    await clock.advance(1);
    expect(await a.keyRing.lookup(b.name, keyId, now())).toEqual(pub(b.identity.signingKey.seed));
    // After a success the full interval applies again.
    expect(await a.keyRing.lookup(b.name, 'ed25519:unknown', now())).toBeUndefined();
    await clock.advance(DEFAULT_RETRY_AFTER_FAILURE_MS);
    const fetches = deliveriesTo(network, b.name, KEY_PATH);
    expect(await a.keyRing.lookup(b.name, 'ed25519:unknown', now())).toBeUndefined();
    expect(deliveriesTo(network, b.name, KEY_PATH)).toBe(fetches);
  });

  it('keys expire: valid_until_ts bounds events and requests, then a refetch renews them', async () => {
    const { nodes, network, now, clock } = await testNetwork(2);
    const [a, b] = nodes as [NonNullable<(typeof nodes)[0]>, NonNullable<(typeof nodes)[0]>];
    const keyId = b.identity.signingKey.keyId;
    const start = now();
    await a.keyRing.lookup(b.name, keyId, start);
    const validUntil = start + OWN_KEYS_VALIDITY_MS;

    const cases: [string, number, boolean][] = [
      ['event at valid_until_ts', validUntil, true],
      ['event after valid_until_ts, b offline', validUntil + 1, false],
    ];
    network.setOffline(b.name);
    await clock.advance(60_000); // past the refetch interval, so a fetch is tried and fails
    for (const [label, ts, found] of cases) {
      expect([label, (await a.keyRing.lookup(b.name, keyId, ts)) !== undefined]).toEqual([
        label,
        found,
      ]);
    }
    // Requests after expiry: refused while b cannot be reached...
    await clock.advance(OWN_KEYS_VALIDITY_MS);
    expect(await a.keyRing.requestKeyLookup(b.name, keyId)).toBeUndefined();
    // ...and accepted again once a refetch succeeds.
    network.setOffline(b.name, false);
    await clock.advance(60_000);
    expect(await a.keyRing.requestKeyLookup(b.name, keyId)).toEqual(
      pub(b.identity.signingKey.seed),
    );
  });

  it('our own keys never touch the network; old ones verify events until expired_ts', async () => {
    const { nodes, network, now } = await testNetwork(1);
    const a = nodes[0]!;
    const oldKeyId = a.identity.signingKey.keyId;
    const oldSeed = a.identity.signingKey.seed;
    a.identity = rotate(a.identity, 50, 1000);
    expect(await a.keyRing.lookup(a.name, oldKeyId, 1000)).toEqual(pub(oldSeed));
    expect(await a.keyRing.lookup(a.name, oldKeyId, 1001)).toBeUndefined();
    expect(await a.keyRing.requestKeyLookup(a.name, oldKeyId)).toBeUndefined();
    expect(await a.keyRing.lookup(a.name, 'ed25519:r50', now())).toEqual(
      pub(a.identity.signingKey.seed),
    );
    expect(network.deliveries).toEqual([]);
  });

  it('falls back to a notary when the server itself cannot be reached', async () => {
    for (const pin of [true, false]) {
      const { nodes, network, now } = await testNetwork(3, { notaries: [2], pin });
      const [a, b, notary] = nodes as [
        NonNullable<(typeof nodes)[0]>,
        NonNullable<(typeof nodes)[0]>,
        NonNullable<(typeof nodes)[0]>,
      ];
      // The notary learns b's keys while b is up...
      await notary.keyRing.lookup(b.name, b.identity.signingKey.keyId, now());
      // ...then b goes away, and a asks.
      network.partition([[a.name, notary.name], [b.name]]);
      const key = await a.keyRing.lookup(b.name, b.identity.signingKey.keyId, now());
      expect([pin, key]).toEqual([pin, pub(b.identity.signingKey.seed)]);
      expect(deliveriesTo(network, notary.name, '/_matrix/key/v2/query')).toBe(1);
    }
  });

  it('refuses a notary answer the notary did not sign with a key we trust', async () => {
    const { nodes, network, now } = await testNetwork(3, { notaries: [2] });
    const [a, b, notary] = nodes as [
      NonNullable<(typeof nodes)[0]>,
      NonNullable<(typeof nodes)[0]>,
      NonNullable<(typeof nodes)[0]>,
    ];
    await notary.keyRing.lookup(b.name, b.identity.signingKey.keyId, now());
    notary.identity = rotate(notary.identity, 77, now()); // signs with a key a has not pinned
    network.partition([[a.name, notary.name], [b.name]]);
    expect(await a.keyRing.lookup(b.name, b.identity.signingKey.keyId, now())).toBeUndefined();
  });
});

describe('key endpoints', () => {
  it('GET /_matrix/key/v2/server: self-signed, valid_until_ts, old_verify_keys', async () => {
    const { nodes, now } = await testNetwork(2);
    const [a, b] = nodes as [NonNullable<(typeof nodes)[0]>, NonNullable<(typeof nodes)[0]>];
    b.identity = rotate(b.identity, 60, 12345);
    const doc = await a.client.request(b.name, 'GET', KEY_PATH, undefined, { sign: false });
    expect(doc.server_name).toBe(b.name);
    expect(doc.valid_until_ts).toBe(now() + OWN_KEYS_VALIDITY_MS);
    expect(Object.keys(doc.verify_keys as object)).toEqual(['ed25519:r60']);
    expect(doc.old_verify_keys).toEqual({
      [b.identity.oldKeys[0]!.keyId]: { key: b.identity.oldKeys[0]!.publicKey, expired_ts: 12345 },
    });
    expect(await verifyServerKeys(doc, b.name, now())).toMatchObject({ ok: true });
  });

  it('notary query (GET and POST) answers with both signatures, and the key verifies', async () => {
    const { nodes, now } = await testNetwork(3);
    const [a, b, notary] = nodes as [
      NonNullable<(typeof nodes)[0]>,
      NonNullable<(typeof nodes)[0]>,
      NonNullable<(typeof nodes)[0]>,
    ];
    const requests = [
      a.client.request(notary.name, 'GET', `/_matrix/key/v2/query/${b.name}`),
      a.client.request(notary.name, 'POST', '/_matrix/key/v2/query', {
        server_keys: { [b.name]: { [b.identity.signingKey.keyId]: {} }, [notary.name]: {} },
      }),
    ];
    const [single, batch] = await Promise.all(requests);
    for (const answer of [single!, batch!]) {
      const docs = answer.server_keys as Record<string, unknown>[];
      const forB = docs.find((d) => d.server_name === b.name)!;
      expect(await verifyServerKeys(forB, b.name, now())).toMatchObject({ ok: true });
      const notaryKeyId = notary.identity.signingKey.keyId;
      expect(
        await verifyJson(forB, notary.name, notaryKeyId, pub(notary.identity.signingKey.seed)),
      ).toBe(true);
      expect(Object.keys(forB.signatures as object).sort()).toEqual([b.name, notary.name].sort());
    }
    const own = (batch!.server_keys as Record<string, unknown>[]).find(
      (d) => d.server_name === notary.name,
    );
    expect(await verifyServerKeys(own, notary.name, now())).toMatchObject({ ok: true });
  });

  it('notary: minimum_valid_until_ts beyond the cache forces a refetch; unreachable servers are left out', async () => {
    const { nodes, network, now } = await testNetwork(3);
    const [a, b, notary] = nodes as [
      NonNullable<(typeof nodes)[0]>,
      NonNullable<(typeof nodes)[0]>,
      NonNullable<(typeof nodes)[0]>,
    ];
    const path = (min?: number) =>
      `/_matrix/key/v2/query/${b.name}${min === undefined ? '' : `?minimum_valid_until_ts=${min}`}`;
    await a.client.request(notary.name, 'GET', path());
    await a.client.request(notary.name, 'GET', path(now() + 1000));
    expect(deliveriesTo(network, b.name, KEY_PATH)).toBe(1); // served from the cache
    await a.client.request(notary.name, 'GET', path(now() + OWN_KEYS_VALIDITY_MS + 1));
    expect(deliveriesTo(network, b.name, KEY_PATH)).toBe(1); // wanted a refetch, rate-limited
    const none = await a.client.request(notary.name, 'POST', '/_matrix/key/v2/query', {
      server_keys: { 'unreachable.example': {} },
    });
    expect(none).toEqual({ server_keys: [] });
  });

  it('notary: bad queries get the spec errors', async () => {
    const { nodes } = await testNetwork(2);
    const [a, b] = nodes as [NonNullable<(typeof nodes)[0]>, NonNullable<(typeof nodes)[0]>];
    const tooMany = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`s${i}.test`, {}]));
    const cases: [string, string, Record<string, unknown> | undefined, number, string][] = [
      [
        'GET',
        `/_matrix/key/v2/query/x.test?minimum_valid_until_ts=1.5`,
        undefined,
        400,
        'M_INVALID_PARAM',
      ],
      ['POST', '/_matrix/key/v2/query', {}, 400, 'M_BAD_JSON'],
      ['POST', '/_matrix/key/v2/query', { server_keys: { 'x.test': 1 } }, 400, 'M_BAD_JSON'],
      ['POST', '/_matrix/key/v2/query', { server_keys: tooMany }, 400, 'M_INVALID_PARAM'],
    ];
    for (const [method, path, body, status, errcode] of cases) {
      await expect(a.client.request(b.name, method, path, body as never)).rejects.toMatchObject({
        name: 'RemoteMatrixError',
        httpStatus: status,
        errcode,
      });
    }
  });
});
