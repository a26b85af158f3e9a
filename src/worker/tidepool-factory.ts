/** The real NodeFactory: TidepoolNode over the store, identities from identity.ts and identity-file.ts. */
import { createIdentity } from '../node/identity.js';
import { parseIdentityFile } from '../node/identity-file.js';
import { TidepoolNode } from '../node/node.js';
import type { NodeFactory } from './node-host.js';

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
  return {
    open: (store) => TidepoolNode.open(store, nodeOptions),
    create: (store, identity) => TidepoolNode.create(store, identity, nodeOptions),
    newIdentity: async (localpart) =>
      createIdentity(options.domain ? { localpart, domain: options.domain } : { localpart }),
    parseIdentityFile,
  };
}
