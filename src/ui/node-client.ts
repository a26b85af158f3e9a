/**
 * The page side of the worker boundary: starts the node's dedicated worker,
 * opens the node named in the URL, and hands the UI a typed comlink remote.
 * See doc/worker.md.
 */
import { proxy, type Remote, releaseProxy, wrap } from 'comlink';
import type { IdentityInfo, NodeApi } from '../node/api.js';
import { checkNodeName, DEFAULT_NODE_NAME, openNodeRegistry } from '../store/node-registry.js';
import { installErrorTransfer } from '../worker/error-transfer.js';
import type { FederationHostApi } from '../worker/federation-host.js';
import type { ClosedNotice, WorkerApi } from '../worker/node-host.js';

/** What the page may call on a running node: the NodeApi and its federation. */
export type NodeRemoteApi = NodeApi & FederationHostApi;

/** A running node in its worker. */
export interface NodeConnection {
  nodeName: string;
  /** The node's API; every call crosses to the worker. Errors keep `name` and `errcode`. */
  api: Remote<NodeRemoteApi>;
  identity: IdentityInfo;
  /** Stops the worker (and so releases the node's lock). */
  close(): void;
}

/** The node is already running in another tab of this browser. */
export class NodeLockedError extends Error {
  override name = 'NodeLockedError';
  /** The node that is locked. */
  readonly nodeName: string;
  constructor(nodeName: string) {
    super(
      `This node (${nodeName}) is open in another tab. Close it there, or open another node ` +
        'with ?node=other-name.',
    );
    this.nodeName = nodeName;
  }
}

/** Shown before importing an identity file. */
export const IMPORT_WARNING =
  'Importing an identity makes this browser run the same node as the browser it came from. ' +
  'Never run two live copies of one node at the same time: they would sign different events ' +
  'with the same key and the same server name, other servers would see a node contradicting ' +
  'itself, and rooms could split or reject its events. Stop the node in the other browser ' +
  '(close its tab, or delete its data there) before you open the imported copy here, and ' +
  'keep the file secret: it holds the private key.';

/** The node name from `?node=NAME` (default `default`); throws InvalidNodeNameError. */
export function nodeNameFromLocation(loc: Location): string {
  const name = new URLSearchParams(loc.search).get('node');
  return checkNodeName(name === null || name === '' ? DEFAULT_NODE_NAME : name);
}

/** Options for `startNode`. */
export interface StartNodeOptions {
  /** An identity file's text: creates the node from it if `nodeName` is new. */
  importIdentity?: string;
  /** The localpart of a brand-new node's user; default `user`. */
  localpart?: string;
  /** Told if the node's database is closed under it (another tab upgrading it). */
  onClosed?: (notice: ClosedNotice) => void;
}

/**
 * Starts a worker and opens `nodeName` in it. Rejects with NodeLockedError if
 * another tab runs that node, or with the node's error (`name`, `errcode`).
 */
export async function startNode(
  nodeName: string,
  options: StartNodeOptions = {},
): Promise<NodeConnection> {
  installErrorTransfer();
  const worker = new Worker(new URL('../worker/node-worker.ts', import.meta.url), {
    type: 'module',
    name: `tidepool-node-${nodeName}`,
  });
  const remote = wrap<WorkerApi>(worker);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    removeEventListener('pagehide', close);
    remote[releaseProxy]();
    worker.terminate();
  };
  // Ending the worker as the page goes lets a reload take the lock at once.
  addEventListener('pagehide', close);
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) =>
      reject(new Error(`The node's worker failed to start: ${event.message || 'unknown error'}`)),
    );
  });
  try {
    const { importIdentity, localpart, onClosed } = options;
    const result = await Promise.race([
      remote.open(
        nodeName,
        {
          ...(importIdentity === undefined ? {} : { importIdentity }),
          ...(localpart === undefined ? {} : { localpart }),
        },
        onClosed ? proxy(onClosed) : undefined,
      ),
      failed,
    ]);
    if (result.status === 'locked') throw new NodeLockedError(result.nodeName);
    return { nodeName, api: remote as Remote<NodeRemoteApi>, identity: result.identity, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** The nodes that exist in this browser, by name. */
export async function listNodes(): Promise<{ name: string; serverName: string }[]> {
  const registry = await openNodeRegistry();
  try {
    const nodes = await registry.list();
    return nodes.map(({ name, serverName }) => ({ name, serverName }));
  } finally {
    registry.close();
  }
}
