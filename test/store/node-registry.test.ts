import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkNodeName,
  InvalidNodeNameError,
  NodeIdentityTakenError,
  NodeNameTakenError,
  type NodeRegistry,
  openNodeRegistry,
} from '../../src/store/node-registry.js';
import { freshFactory } from './helpers.js';

const serverA = `${'a'.repeat(52)}.localhost`;
const serverB = `${'b'.repeat(52)}.localhost`;

describe('node names', () => {
  it.each(['default', 'a', 'node-2', 'x_y', 'z'.repeat(32)])('accepts %j', (name) => {
    expect(checkNodeName(name)).toBe(name);
  });

  it.each(['', 'Default', 'a b', 'ünï', 'z'.repeat(33), '../x', 'a.b'])('refuses %j', (name) => {
    expect(() => checkNodeName(name)).toThrow(InvalidNodeNameError);
    expect(() => checkNodeName(name)).toThrow(/not a valid node name/);
  });
});

describe('NodeRegistry', () => {
  let factory: IDBFactory;
  let registry: NodeRegistry;

  beforeEach(async () => {
    factory = freshFactory();
    registry = await openNodeRegistry({ indexedDB: factory });
  });
  afterEach(() => registry.close());

  it('starts empty', async () => {
    expect(await registry.list()).toEqual([]);
    expect(await registry.get('default')).toBeUndefined();
  });

  it('stores, finds and lists nodes, and keeps them across reopening', async () => {
    await registry.put({ name: 'a', serverName: serverA, createdTs: 1 });
    await registry.put({ name: 'b', serverName: serverB, createdTs: 2 });
    expect(await registry.get('a')).toEqual({ name: 'a', serverName: serverA, createdTs: 1 });
    expect(await registry.getByServerName(serverB)).toMatchObject({ name: 'b' });
    registry.close();
    registry = await openNodeRegistry({ indexedDB: factory });
    expect((await registry.list()).map((n) => n.name)).toEqual(['a', 'b']);
  });

  it('accepts the same name and identity again', async () => {
    await registry.put({ name: 'a', serverName: serverA, createdTs: 1 });
    await registry.put({ name: 'a', serverName: serverA, createdTs: 1 });
    expect(await registry.list()).toHaveLength(1);
  });

  it('refuses a second name for one identity, and changes nothing', async () => {
    await registry.put({ name: 'a', serverName: serverA, createdTs: 1 });
    const second = registry.put({ name: 'b', serverName: serverA, createdTs: 2 });
    await expect(second).rejects.toBeInstanceOf(NodeIdentityTakenError);
    await expect(second).rejects.toMatchObject({
      errcode: 'M_FORBIDDEN',
      existingNode: 'a',
      message: expect.stringContaining('?node=a'),
    });
    expect(await registry.list()).toEqual([{ name: 'a', serverName: serverA, createdTs: 1 }]);
  });

  it('refuses another identity under a taken name', async () => {
    await registry.put({ name: 'a', serverName: serverA, createdTs: 1 });
    await expect(
      registry.put({ name: 'a', serverName: serverB, createdTs: 2 }),
    ).rejects.toBeInstanceOf(NodeNameTakenError);
    expect(await registry.get('a')).toMatchObject({ serverName: serverA });
  });

  it('refuses invalid names on every call', async () => {
    await expect(registry.get('Bad Name')).rejects.toBeInstanceOf(InvalidNodeNameError);
    await expect(
      registry.put({ name: '', serverName: serverA, createdTs: 1 }),
    ).rejects.toBeInstanceOf(InvalidNodeNameError);
  });
});
