/**
 * What the worker exposes: `open` picks, locks and opens a node, then the
 * NodeApi methods are forwarded to it. Kept apart from the worker entry so it
 * runs in Node tests over fake-indexeddb and in-memory locks.
 */
import { type Remote, releaseProxy } from 'comlink';
import { MatrixError } from '../core/errors.js';
import { serverNameOf } from '../core/identifiers.js';
import type { IdentityInfo, NodeApi, NodeListener } from '../node/api.js';
import { checkNodeName } from '../store/node-registry.js';
import type { IdentityRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { NodeNotOpenError } from './errors.js';
import type { FederationHost, FederationHostApi } from './federation-host.js';
import { type AcquireLock, nodeLockName } from './node-lock.js';
import { openNamedNode } from './open-node.js';

/** A node the host can run: the API plus a way to stop it. */
export type HostedNode = NodeApi & { close(): void };

/** How the host builds nodes (the real one wraps TidepoolNode and identity-file.ts). */
export interface NodeFactory {
  /** Opens the node whose identity is already in `store`. */
  open(store: Store): Promise<HostedNode>;
  /** Sets up a node with `identity` in the empty `store`. */
  create(store: Store, identity: IdentityRecord): Promise<HostedNode>;
  /** A fresh identity for a new node whose user is `@localpart:...`. */
  newIdentity(localpart: string): Promise<IdentityRecord>;
  /** Reads an identity file (throws a MatrixError with words when it is not one). */
  parseIdentityFile(text: string): IdentityRecord;
  /** The federation of a node this factory opened; absent where nodes cannot federate. */
  federation?(node: HostedNode): FederationHost;
}

/** Options for `open`. */
export interface OpenOptions {
  /** An identity file's text: creates the node from it if the name is new. */
  importIdentity?: string;
  /** The local user's localpart for a brand-new node; default `user`. */
  localpart?: string;
}

/** The result of `open`. */
export type OpenResult =
  | { status: 'ready'; identity: IdentityInfo }
  | { status: 'locked'; nodeName: string };

/** Why the node stopped under us, told to the page. */
export interface ClosedNotice {
  name: string;
  message: string;
}

/** The worker's API: NodeApi and the federation once `open` said ready. */
export interface WorkerApi extends NodeApi, FederationHostApi {
  /**
   * Opens the node `nodeName`: `locked` if another tab runs it. `onClosed` is
   * called if the database is closed under the node (another tab upgrading it).
   */
  open(
    nodeName: string,
    options: OpenOptions,
    onClosed?: (notice: ClosedNotice) => void,
  ): Promise<OpenResult>;
}

/** What the host needs from its surroundings. */
export interface HostDeps {
  factory: NodeFactory;
  acquireLock: AcquireLock;
  /** The IndexedDB factory; the global one by default. */
  indexedDB?: IDBFactory;
  now?: () => number;
}

/** Every NodeApi method: the compiler checks this list against the interface. */
const nodeMethods = {
  identity: true,
  setProfile: true,
  exportIdentity: true,
  createRoom: true,
  sendMessage: true,
  sendMessages: true,
  editMessage: true,
  setState: true,
  setName: true,
  setTopic: true,
  setAvatar: true,
  setJoinRule: true,
  setHistoryVisibility: true,
  setPowerLevel: true,
  setCanonicalAlias: true,
  invite: true,
  kick: true,
  ban: true,
  unban: true,
  leave: true,
  redact: true,
  rooms: true,
  timeline: true,
  roomState: true,
  members: true,
  markRead: true,
  roomGraph: true,
  graphEvent: true,
  stateDigest: true,
  subscribe: true,
  unsubscribe: true,
} satisfies Record<keyof NodeApi, true>;

/** Builds the object the worker exposes. */
export function createWorkerApi(deps: HostDeps): WorkerApi {
  let node: HostedNode | undefined;
  let federation: FederationHost | undefined;
  let opened: { nodeName: string; identity: IdentityInfo } | undefined;
  const listeners = new Map<number, NodeListener>();

  const requireNode = (): HostedNode => {
    if (!node) throw new NodeNotOpenError();
    return node;
  };

  const open: WorkerApi['open'] = async (nodeName, options, onClosed) => {
    checkNodeName(nodeName);
    if (opened) {
      if (opened.nodeName === nodeName) return { status: 'ready', identity: opened.identity };
      throw new NodeNotOpenError(`This worker already runs the node "${opened.nodeName}"`);
    }
    if (!(await deps.acquireLock(nodeLockName(nodeName)))) return { status: 'locked', nodeName };
    const hosted = await openNamedNode(nodeName, options, {
      factory: deps.factory,
      ...(deps.indexedDB ? { indexedDB: deps.indexedDB } : {}),
      now: deps.now ?? Date.now,
      onStoreClose: (reason) => {
        void federation?.close();
        federation = undefined;
        node?.close();
        node = undefined;
        onClosed?.({ name: reason.name, message: reason.message });
      },
    });
    try {
      opened = { nodeName, identity: await hosted.identity() };
    } catch (error) {
      hosted.close();
      throw error;
    }
    node = hosted;
    federation = deps.factory.federation?.(hosted);
    return { status: 'ready', identity: opened.identity };
  };

  const forwarded = Object.fromEntries(
    Object.keys(nodeMethods).map((method) => [
      method,
      (...args: unknown[]) => {
        const target = requireNode() as unknown as Record<string, (...a: unknown[]) => unknown>;
        return target[method]!(...args);
      },
    ]),
  ) as unknown as NodeApi;

  const requireFederation = (): FederationHost => {
    requireNode();
    if (!federation) throw new NodeNotOpenError('This node cannot federate here');
    return federation;
  };

  return {
    ...forwarded,
    open,
    transportKey: () => requireFederation().transportKey(),
    startFederation: (transport) => requireFederation().startFederation(transport),
    handleFederation: (request, meta) => requireFederation().handleFederation(request, meta),
    joinRoom: (roomIdOrAlias, via) => requireFederation().joinRoom(roomIdOrAlias, via),
    wakeServer: (serverName) => requireFederation().wakeServer(serverName),
    wakeAll: () => requireFederation().wakeAll(),
    setTyping: (roomId, typing) => requireFederation().setTyping(roomId, typing),
    sendReceipt: (roomId, eventId) => requireFederation().sendReceipt(roomId, eventId),
    typing: (roomId) => requireFederation().typing(roomId),
    receipts: (roomId) => requireFederation().receipts(roomId),
    subscribeEdus: (listener) => requireFederation().subscribeEdus(listener),
    unsubscribeEdus: (id) => requireFederation().unsubscribeEdus(id),
    publishRoom: (roomId, published) => requireFederation().publishRoom(roomId, published),
    publicRooms: (server, query) => requireFederation().publicRooms(server, query),
    outboundStatus: () => requireFederation().outboundStatus(),
    rejectInvite: (roomId, reason) => requireFederation().rejectInvite(roomId, reason),
    knock: (roomId, via, reason) => requireFederation().knock(roomId, via, reason),
    backfill: (roomId, limit) => requireFederation().backfill(roomId, limit),
    // Invites and leaves go through the federation once it runs: a user of
    // another server must get a v2 invite (their server countersigns it), and
    // leaving a room we are only invited to goes through the inviter's server.
    async invite(roomId, userId, reason) {
      const hosted = requireNode();
      if (federation?.started) return federation.invite(roomId, userId, reason);
      if (opened && serverNameOf(userId) !== opened.identity.serverName) {
        throw new MatrixError(
          'M_FORBIDDEN',
          `${userId} is on another server, and this node is not connected to the federation to invite them`,
        );
      }
      return hosted.invite(roomId, userId, reason);
    },
    async leave(roomId, reason) {
      const hosted = requireNode();
      if (federation?.started) return federation.leave(roomId, reason);
      return hosted.leave(roomId, reason);
    },
    // A page listener is a comlink proxy: its calls return promises that reject
    // if the page threw or went away, which must not become unhandled here.
    async subscribe(listener) {
      const safe: NodeListener = (change) => {
        void Promise.resolve(listener(change)).catch(() => undefined);
      };
      const id = await requireNode().subscribe(safe);
      listeners.set(id, listener);
      return id;
    },
    async unsubscribe(id) {
      await requireNode().unsubscribe(id);
      const listener = listeners.get(id) as Partial<Remote<NodeListener>> | undefined;
      listeners.delete(id);
      listener?.[releaseProxy]?.();
    },
  };
}
