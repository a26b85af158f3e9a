/**
 * Finding or making the node a name stands for: the registry says which
 * identity (and so which database) the name has; a new name gets a fresh or
 * imported identity. An identity this browser already runs under another name
 * is refused before any node database is touched.
 */
import type { ServerName } from '../core/ids.js';
import {
  NodeIdentityTakenError,
  NodeNameTakenError,
  type NodeRegistryOptions,
  openNodeRegistry,
} from '../store/node-registry.js';
import { openStore, storeNameFor } from '../store/open-store.js';
import type { CloseReason, Store } from '../store/store.js';
import type { HostedNode, NodeFactory, OpenOptions } from './node-host.js';

/** What opening needs besides the name and options. */
export interface OpenNodeDeps extends NodeRegistryOptions {
  factory: NodeFactory;
  /** Told if the node's store closes itself (another tab upgrading or deleting it). */
  onStoreClose: (reason: CloseReason) => void;
  now: () => number;
}

/** Opens (or creates, or imports) the node `nodeName`; the caller holds its lock. */
export async function openNamedNode(
  nodeName: string,
  options: OpenOptions,
  deps: OpenNodeDeps,
): Promise<HostedNode> {
  const { factory } = deps;
  const storeOptions = deps.indexedDB ? { indexedDB: deps.indexedDB } : {};
  const registry = await openNodeRegistry(storeOptions);
  let store: Store | undefined;
  try {
    const openFor = async (serverName: string) => {
      store = await openStore(storeNameFor(serverName as ServerName), {
        ...storeOptions,
        onClose: deps.onStoreClose,
      });
      return store;
    };
    const known = await registry.get(nodeName);
    if (known) {
      if (options.importIdentity !== undefined) {
        const imported = factory.parseIdentityFile(options.importIdentity);
        if (imported.serverName !== known.serverName) {
          throw new NodeNameTakenError(nodeName, known.serverName);
        }
      }
      return await factory.open(await openFor(known.serverName));
    }
    const identity =
      options.importIdentity === undefined
        ? await factory.newIdentity(options.localpart ?? 'user')
        : factory.parseIdentityFile(options.importIdentity);
    const holder = await registry.getByServerName(identity.serverName);
    if (holder) throw new NodeIdentityTakenError(identity.serverName, holder.name, nodeName);
    const node = await factory.create(await openFor(identity.serverName), identity);
    // Registered only once the database holds the identity, so a name never
    // points at a database that cannot open.
    await registry.put({ name: nodeName, serverName: identity.serverName, createdTs: deps.now() });
    return node;
  } catch (error) {
    store?.close();
    throw error;
  } finally {
    registry.close();
  }
}
