/**
 * Federation test helpers: nodes with seeded identities, each with its own
 * fake IndexedDB, key ring, client and federation server, all on one
 * MemoryNetwork driven by a ManualClock.
 */

import { encodeBase64 } from '../../src/core/base64.js';
import { publicKeyFromSeed } from '../../src/core/crypto/ed25519.js';
import type { KeyId } from '../../src/core/ids.js';
import { FederationClient } from '../../src/federation/client.js';
import { FederationServer } from '../../src/federation/federation-server.js';
import { KeyRing, type NotaryConfig } from '../../src/federation/keys/key-ring.js';
import { MemoryNetwork } from '../../src/federation/memory-network.js';
import { ManualClock } from '../../src/federation/network-clock.js';
import type { FederationTransport } from '../../src/federation/transport.js';
import { createIdentity } from '../../src/node/identity.js';
import type { IdentityRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { seededRandom } from '../node/helpers.js';
import { freshFactory, open } from '../store/helpers.js';

/** One node on the test network. */
export interface FedNode {
  name: string;
  /** Current identity; replace it to rotate keys. */
  identity: IdentityRecord;
  store: Store;
  keyRing: KeyRing;
  client: FederationClient;
  server: FederationServer;
  transport: FederationTransport;
}

/** Options for a test network. */
export interface TestNetworkOptions {
  seed?: number;
  /** Notaries for every node's key ring, by node index (pinned keys unless `pin` is false). */
  notaries?: number[];
  pin?: boolean;
  minRefetchIntervalMs?: number;
}

/** `count` nodes (identity seeds 1..count) on a MemoryNetwork with a ManualClock. */
export async function testNetwork(count: number, options: TestNetworkOptions = {}) {
  const clock = new ManualClock();
  const network = new MemoryNetwork({ seed: options.seed ?? 7, clock });
  const now = () => clock.now();
  const identities = Array.from({ length: count }, (_, i) =>
    createIdentity({ localpart: 'u', random: seededRandom(i + 1) }),
  );
  const notaries: NotaryConfig[] = (options.notaries ?? []).map((index) => {
    const identity = identities[index]!;
    const config: NotaryConfig = { serverName: identity.serverName };
    if (options.pin !== false) {
      config.verifyKeys = {
        [identity.signingKey.keyId]: encodeBase64(publicKeyFromSeed(identity.signingKey.seed)),
      };
    }
    return config;
  });
  const nodes: FedNode[] = [];
  for (const start of identities) {
    const store = await open(freshFactory(), `tidepool-${start.serverName}`);
    // The getter reads `node.identity`, so a test can rotate keys by replacing it.
    const holder = { identity: start };
    const identity = () => holder.identity;
    const transport = network.transportFor(start.serverName);
    const client = new FederationClient({ transport, identity });
    const ringOptions: ConstructorParameters<typeof KeyRing>[0] = {
      store,
      client,
      identity,
      now,
      notaries: notaries.filter((n) => n.serverName !== start.serverName),
    };
    if (options.minRefetchIntervalMs !== undefined) {
      ringOptions.minRefetchIntervalMs = options.minRefetchIntervalMs;
    }
    const keyRing = new KeyRing(ringOptions);
    const server = new FederationServer({ identity, keyRing, now });
    network.addNode(start.serverName, server.handle);
    const node: FedNode = {
      name: start.serverName,
      get identity() {
        return holder.identity;
      },
      set identity(value) {
        holder.identity = value;
      },
      store,
      keyRing,
      client,
      server,
      transport,
    };
    nodes.push(node);
  }
  return { clock, network, nodes, now };
}

/** Requests that reached `to` for `path` (duplicates included). */
export function deliveriesTo(network: MemoryNetwork, to: string, path?: string): number {
  return network.deliveries.filter((d) => d.to === to && (path === undefined || d.path === path))
    .length;
}

/** A new signing key for `identity`; the current one moves to oldKeys, expired at `expiredTs`. */
export function rotate(identity: IdentityRecord, seed: number, expiredTs: number): IdentityRecord {
  const fresh = createIdentity({ localpart: 'u', random: seededRandom(seed) }).signingKey;
  return {
    ...identity,
    signingKey: { keyId: `ed25519:r${seed}` as KeyId, seed: fresh.seed },
    oldKeys: [
      ...identity.oldKeys,
      {
        keyId: identity.signingKey.keyId,
        publicKey: encodeBase64(publicKeyFromSeed(identity.signingKey.seed)),
        expiredTs,
      },
    ],
  };
}

/** UTF-8 text of a body. */
export function text(body: Uint8Array): string {
  return new TextDecoder().decode(body);
}
