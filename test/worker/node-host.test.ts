import { expose, proxy, type Remote, releaseProxy, wrap } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import type {
  CreateRoomOptions,
  IdentityInfo,
  NodeChange,
  NodeListener,
} from '../../src/node/api.js';
import { createIdentity, identityInfo } from '../../src/node/identity.js';
import { exportIdentityFile, parseIdentityFile } from '../../src/node/identity-file.js';
import {
  NodeIdentityTakenError,
  NodeNameTakenError,
  openNodeRegistry,
} from '../../src/store/node-registry.js';
import { storeNameFor } from '../../src/store/open-store.js';
import type { IdentityRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { installErrorTransfer, isNodeError } from '../../src/worker/error-transfer.js';
import {
  type ClosedNotice,
  createWorkerApi,
  type HostedNode,
  type NodeFactory,
  type WorkerApi,
} from '../../src/worker/node-host.js';
import { memoryLocks } from '../../src/worker/node-lock.js';
import { freshFactory } from '../store/helpers.js';

/**
 * The worker host over a real comlink channel (MessageChannel in Node), real
 * stores on fake-indexeddb, and a small fake node: what crosses the boundary,
 * locking, the registry, import and errors.
 */

/** Just enough of a node to see the host forward calls and changes. */
class FakeNode {
  private readonly listeners = new Map<number, NodeListener>();
  private nextId = 1;
  constructor(
    readonly store: Store,
    private readonly record: IdentityRecord,
  ) {}
  async identity(): Promise<IdentityInfo> {
    return identityInfo(this.record);
  }
  async exportIdentity(): Promise<string> {
    return exportIdentityFile(this.record);
  }
  async createRoom(options: CreateRoomOptions): Promise<string> {
    if (options.name === 'bad') throw new InvalidInputError('A room name cannot be "bad"');
    for (const listener of this.listeners.values()) listener({ kind: 'rooms' });
    return `!room:${this.record.serverName}`;
  }
  async subscribe(listener: NodeListener): Promise<number> {
    this.listeners.set(this.nextId, listener);
    return this.nextId++;
  }
  async unsubscribe(id: number): Promise<void> {
    this.listeners.delete(id);
  }
  close(): void {
    this.store.close();
  }
}

const fakeFactory: NodeFactory = {
  async open(store) {
    const record = await store.read(['identity'], (txn) => txn.identity.get());
    if (!record) throw new Error('no identity in the store');
    return new FakeNode(store, record) as unknown as HostedNode;
  },
  async create(store, identity) {
    await store.write(['identity'], (txn) => txn.identity.put(identity));
    return new FakeNode(store, identity) as unknown as HostedNode;
  },
  newIdentity: async (localpart) => createIdentity({ localpart }),
  parseIdentityFile,
};

installErrorTransfer();
const channels: MessagePort[] = [];

/** A host in "a browser" (an IndexedDB + a lock set), reached through comlink. */
function startHost(indexedDB: IDBFactory, locks = new Set<string>()): Remote<WorkerApi> {
  const { port1, port2 } = new MessageChannel();
  channels.push(port1, port2);
  expose(
    createWorkerApi({ factory: fakeFactory, acquireLock: memoryLocks(locks), indexedDB }),
    port1,
  );
  return wrap<WorkerApi>(port2);
}

afterEach(() => {
  for (const port of channels.splice(0)) port.close();
});

async function openReady(host: Remote<WorkerApi>, name: string, options = {}) {
  const result = await host.open(name, options);
  if (result.status !== 'ready') throw new Error(`expected ready, got ${result.status}`);
  return result.identity;
}

describe('opening nodes', () => {
  it('creates a node with a fresh identity, registers it, and reopens it', async () => {
    const idb = freshFactory();
    const identity = await openReady(startHost(idb), 'a', { localpart: 'alice' });
    expect(identity.serverName).toMatch(/^[a-z2-7]{52}\.localhost$/);
    expect(identity.userId).toBe(`@alice:${identity.serverName}`);
    const registry = await openNodeRegistry({ indexedDB: idb });
    expect(await registry.get('a')).toMatchObject({ name: 'a', serverName: identity.serverName });
    registry.close();
    expect(await openReady(startHost(idb), 'a')).toEqual(identity);
  });

  it('gives two names two identities', async () => {
    const idb = freshFactory();
    const a = await openReady(startHost(idb), 'a');
    const b = await openReady(startHost(idb), 'b');
    expect(a.serverName).not.toBe(b.serverName);
  });

  it('answers locked when another context holds the node', async () => {
    const idb = freshFactory();
    const locks = new Set<string>();
    await openReady(startHost(idb, locks), 'a');
    expect(await startHost(idb, locks).open('a', {})).toEqual({ status: 'locked', nodeName: 'a' });
    expect(locks).toEqual(new Set(['tidepool-node:a']));
  });

  it('answers ready again for the same name, and refuses another name', async () => {
    const host = startHost(freshFactory());
    const identity = await openReady(host, 'a');
    expect(await openReady(host, 'a')).toEqual(identity);
    await expect(host.open('b', {})).rejects.toMatchObject({ name: 'NodeNotOpenError' });
  });

  it('registers nothing and closes the database when creating the node fails', async () => {
    const idb = freshFactory();
    let given: Store | undefined;
    const failing: NodeFactory = {
      ...fakeFactory,
      create: async (store) => {
        given = store;
        throw new InvalidInputError('cannot create');
      },
    };
    const { port1, port2 } = new MessageChannel();
    channels.push(port1, port2);
    expose(
      createWorkerApi({ factory: failing, acquireLock: memoryLocks(), indexedDB: idb }),
      port1,
    );
    await expect(wrap<WorkerApi>(port2).open('a', {})).rejects.toMatchObject({
      message: 'cannot create',
    });
    const registry = await openNodeRegistry({ indexedDB: idb });
    expect(await registry.list()).toEqual([]);
    registry.close();
    expect(given?.closed).toBe(true);
  });

  it('refuses a bad node name with its name and errcode', async () => {
    const error = await startHost(freshFactory())
      .open('Not OK', {})
      .catch((e: unknown) => e);
    expect(isNodeError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'InvalidNodeNameError', errcode: 'M_INVALID_PARAM' });
  });
});

describe('import', () => {
  it('moves an identity to another browser under the same server name', async () => {
    const source = startHost(freshFactory());
    const original = await openReady(source, 'default', { localpart: 'alice' });
    const file = await source.exportIdentity();
    const target = startHost(freshFactory());
    const imported = await openReady(target, 'moved', { importIdentity: file });
    expect(imported).toEqual(original);
  });

  it('refuses an identity this browser already runs under another name', async () => {
    const idb = freshFactory();
    const file = await (async () => {
      const host = startHost(idb);
      await openReady(host, 'a');
      return host.exportIdentity();
    })();
    const result = startHost(idb).open('b', { importIdentity: file });
    await expect(result).rejects.toMatchObject({
      name: new NodeIdentityTakenError('x', 'a', 'b').name,
      errcode: 'M_FORBIDDEN',
      existingNode: 'a',
    });
    const registry = await openNodeRegistry({ indexedDB: idb });
    expect((await registry.list()).map((n) => n.name)).toEqual(['a']);
    registry.close();
  });

  it('refuses to import into a name that holds another identity', async () => {
    const elsewhere = startHost(freshFactory());
    await openReady(elsewhere, 'x');
    const file = await elsewhere.exportIdentity();
    const idb = freshFactory();
    await openReady(startHost(idb), 'a');
    await expect(startHost(idb).open('a', { importIdentity: file })).rejects.toMatchObject({
      name: new NodeNameTakenError('a', 'x').name,
    });
  });

  it('refuses a file that is not an identity, in words', async () => {
    await expect(
      startHost(freshFactory()).open('a', { importIdentity: '{"hello": 1}' }),
    ).rejects.toMatchObject({
      name: 'InvalidInputError',
      errcode: 'M_INVALID_PARAM',
      message: expect.stringContaining('identity file'),
    });
  });
});

describe('the NodeApi through the worker boundary', () => {
  it('refuses calls before open', async () => {
    await expect(startHost(freshFactory()).identity()).rejects.toMatchObject({
      name: 'NodeNotOpenError',
    });
  });

  it('keeps name, errcode and httpStatus of a thrown MatrixError', async () => {
    const host = startHost(freshFactory());
    await openReady(host, 'a');
    const error = await host.createRoom({ name: 'bad' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isNodeError(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'InvalidInputError',
      message: 'A room name cannot be "bad"',
      errcode: 'M_INVALID_PARAM',
      httpStatus: 400,
    });
    expect(isNodeError(new Error('plain'))).toBe(false);
  });

  it('delivers changes to a proxied listener until unsubscribed', async () => {
    const host = startHost(freshFactory());
    await openReady(host, 'a');
    const changes: NodeChange[] = [];
    const listener = proxy((change: NodeChange) => void changes.push(change));
    const id = await host.subscribe(listener);
    expect(await host.createRoom({})).toMatch(/^!room:/);
    await expect.poll(() => changes).toEqual([{ kind: 'rooms' }]);
    await host.unsubscribe(id);
    await host.createRoom({});
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(changes).toHaveLength(1);
  });

  it('survives a listener that throws on the page', async () => {
    const host = startHost(freshFactory());
    await openReady(host, 'a');
    await host.subscribe(
      proxy(() => {
        throw new Error('page bug');
      }),
    );
    expect(await host.createRoom({})).toMatch(/^!room:/);
  });

  it("tells the page when another tab deletes the node's database", async () => {
    const idb = freshFactory();
    const host = startHost(idb);
    const notices: ClosedNotice[] = [];
    const result = await host.open(
      'a',
      {},
      proxy((notice: ClosedNotice) => void notices.push(notice)),
    );
    if (result.status !== 'ready') throw new Error('not ready');
    idb.deleteDatabase(storeNameFor(result.identity.serverName as never));
    await expect.poll(() => notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ name: 'StoreClosedError' });
    await expect(host.identity()).rejects.toMatchObject({ name: 'NodeNotOpenError' });
    host[releaseProxy]();
  });
});
