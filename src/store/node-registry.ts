/**
 * The node registry: which nodes live in this browser. A tiny database of its
 * own, `tidepool-nodes`, maps a node name (chosen with `?node=NAME`) to the
 * server name of its identity; the node's data lives in the database
 * `storeNameFor(serverName)`. One identity is one node per browser: a server
 * name registered under one name is refused under another.
 */
import { type DBSchema, type IDBPDatabase, wrap } from 'idb';
import { MatrixError } from '../core/errors.js';

/** The registry's IndexedDB database name. */
export const NODE_REGISTRY_DATABASE = 'tidepool-nodes';

const REGISTRY_VERSION = 1;

/** The node name used when the URL names none. */
export const DEFAULT_NODE_NAME = 'default';

/** One registered node. */
export interface NodeRecord {
  /** The node name, `[a-z0-9_-]{1,32}`. */
  name: string;
  /** The server name of the node's identity; its data is in `storeNameFor(serverName)`. */
  serverName: string;
  /** When the node was registered (ms since the epoch). */
  createdTs: number;
}

interface RegistrySchema extends DBSchema {
  nodes: { key: string; value: NodeRecord; indexes: { byServerName: string } };
}

/** A node name that is not `[a-z0-9_-]{1,32}`. */
export class InvalidNodeNameError extends MatrixError {
  override name = 'InvalidNodeNameError';
  constructor(nodeName: string) {
    super(
      'M_INVALID_PARAM',
      `"${nodeName}" is not a valid node name: use 1 to 32 characters from a-z, 0-9, _ and -.`,
    );
  }
}

/** The identity is already registered under another node name in this browser. */
export class NodeIdentityTakenError extends MatrixError {
  override name = 'NodeIdentityTakenError';
  /** The node name that already holds the identity. */
  readonly existingNode: string;
  constructor(serverName: string, existingNode: string, wanted: string) {
    super(
      'M_FORBIDDEN',
      `The identity ${serverName} already belongs to the node "${existingNode}" in this browser, ` +
        `so it cannot also be "${wanted}". Open it with ?node=${existingNode}.`,
    );
    this.existingNode = existingNode;
  }
}

/** The node name already holds another identity. */
export class NodeNameTakenError extends MatrixError {
  override name = 'NodeNameTakenError';
  constructor(nodeName: string, serverName: string) {
    super(
      'M_FORBIDDEN',
      `The node "${nodeName}" already has the identity ${serverName}; ` +
        'import into a new node name instead (?node=another-name).',
    );
  }
}

/** Throws InvalidNodeNameError unless `name` is `[a-z0-9_-]{1,32}`. */
export function checkNodeName(name: string): string {
  if (!/^[a-z0-9_-]{1,32}$/.test(name)) throw new InvalidNodeNameError(name);
  return name;
}

/** Options for `openNodeRegistry`. */
export interface NodeRegistryOptions {
  /** The IndexedDB factory; defaults to the global one. Tests pass fake-indexeddb. */
  indexedDB?: IDBFactory;
}

/** The open registry. Records are never deleted through it. */
export class NodeRegistry {
  constructor(private readonly db: IDBPDatabase<RegistrySchema>) {}

  /** The node called `name`, or undefined. */
  async get(name: string): Promise<NodeRecord | undefined> {
    return this.db.get('nodes', checkNodeName(name));
  }

  /** The node holding the identity `serverName`, or undefined. */
  getByServerName(serverName: string): Promise<NodeRecord | undefined> {
    return this.db.getFromIndex('nodes', 'byServerName', serverName);
  }

  /** Every node, by name. */
  list(): Promise<NodeRecord[]> {
    return this.db.getAll('nodes');
  }

  /**
   * Registers `record`. Rewriting a name with the same server name is a no-op
   * apart from the record; a name already bound to another identity, or an
   * identity already bound to another name, is refused (NodeIdentityTakenError).
   */
  async put(record: NodeRecord): Promise<void> {
    checkNodeName(record.name);
    const tx = this.db.transaction('nodes', 'readwrite');
    const [byName, byServer] = await Promise.all([
      tx.store.get(record.name),
      tx.store.index('byServerName').get(record.serverName),
    ]);
    if (byServer !== undefined && byServer.name !== record.name) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new NodeIdentityTakenError(record.serverName, byServer.name, record.name);
    }
    if (byName !== undefined && byName.serverName !== record.serverName) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new NodeNameTakenError(record.name, byName.serverName);
    }
    await tx.store.put(record);
    await tx.done;
  }

  /** Closes the database connection. */
  close(): void {
    this.db.close();
  }
}

/** Opens (creating if needed) the registry database. */
export async function openNodeRegistry(options: NodeRegistryOptions = {}): Promise<NodeRegistry> {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  const request = factory.open(NODE_REGISTRY_DATABASE, REGISTRY_VERSION);
  request.addEventListener('upgradeneeded', () => {
    // Version 1 is the only one: one store keyed by name, unique by server name.
    const nodes = request.result.createObjectStore('nodes', { keyPath: 'name' });
    nodes.createIndex('byServerName', 'serverName', { unique: true });
  });
  const db = (await wrap(request)) as unknown as IDBPDatabase<RegistrySchema>;
  // A later version opened elsewhere wants this database: let it go.
  db.addEventListener('versionchange', () => db.close());
  return new NodeRegistry(db);
}
