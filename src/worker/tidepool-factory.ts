/** The real NodeFactory: TidepoolNode over the store, identities from identity.ts and identity-file.ts. */
import { FederatedNode } from '../federation/federated-node.js';
import { createIdentity, userIdOf } from '../node/identity.js';
import { parseIdentityFile } from '../node/identity-file.js';
import { TidepoolNode } from '../node/node.js';
import type { Store } from '../store/store.js';
import { FederationHost } from './federation-host.js';
import type { HostedNode, NodeFactory } from './node-host.js';

/** Options for the real factory. */
export interface TidepoolFactoryOptions {
  /** The relay domain new nodes' server names live under; default `localhost`. */
  domain?: string;
  /** The clock; default Date.now. */
  now?: () => number;
}

/** Builds TidepoolNodes. */
export function tidepoolFactory(options: TidepoolFactoryOptions = {}): NodeFactory {
  const nodeOptions = options.now ? { now: options.now } : {};
  const now = options.now ?? Date.now;
  // The federation needs the store a node was opened on; the node keeps it private.
  const stores = new WeakMap<HostedNode, Store>();
  const remember = (node: TidepoolNode, store: Store) => {
    stores.set(node, store);
    return node;
  };
  return {
    open: async (store) => remember(await TidepoolNode.open(store, nodeOptions), store),
    create: async (store, identity) =>
      remember(await TidepoolNode.create(store, identity, nodeOptions), store),
    newIdentity: async (localpart) =>
      createIdentity(options.domain ? { localpart, domain: options.domain } : { localpart }),
    parseIdentityFile,
    federation(hosted) {
      const store = stores.get(hosted);
      if (!(hosted instanceof TidepoolNode) || store === undefined) {
        throw new Error('federation() is for nodes this factory opened');
      }
      const node = hosted;
      return new FederationHost({
        federate: (transport) =>
          FederatedNode.open({
            node,
            store,
            identity: () => node.identityRecord(),
            transport,
            now,
          }),
        key: () => {
          const record = node.identityRecord();
          return { serverName: record.serverName, seed: record.signingKey.seed };
        },
        userId: () => userIdOf(node.identityRecord()),
        publishRoom: (roomId, published) => node.publishRoom(roomId, published),
      });
    },
  };
}
