import { describe, expect, it } from 'vitest';
import type { KeyId, RoomId, ServerName } from '../../src/core/ids.js';
import { freshFactory, open } from './helpers.js';

const origin = 'remote.example' as ServerName;
const roomId = '!r:test.example' as RoomId;

describe('received transaction IDs', () => {
  it('make a replay detectable after reopen, per origin, and can be pruned by age', async () => {
    const factory = freshFactory();
    const store = await open(factory);
    const result = { pdus: { $a: {} } };
    await store.write(['txnIds'], async (txn) => {
      expect(await txn.txnIds.get(origin, 't1')).toBeUndefined();
      await txn.txnIds.put({ origin, txnId: 't1', result, receivedTs: 100 });
      await txn.txnIds.put({ origin, txnId: 't2', result: {}, receivedTs: 200 });
    });
    store.close();
    const reopened = await open(factory);
    const seen = await reopened.read(['txnIds'], async (txn) => ({
      replay: await txn.txnIds.get(origin, 't1'),
      otherOrigin: await txn.txnIds.get('other.example' as ServerName, 't1'),
    }));
    expect(seen.replay?.result).toEqual(result);
    expect(seen.otherOrigin).toBeUndefined();
    const removed = await reopened.write(['txnIds'], (txn) => txn.txnIds.deleteReceivedBefore(200));
    expect(removed).toBe(1);
    const left = await reopened.read(['txnIds'], async (txn) => [
      await txn.txnIds.get(origin, 't1'),
      await txn.txnIds.get(origin, 't2'),
    ]);
    expect(left.map((r) => r?.txnId)).toEqual([undefined, 't2']);
    reopened.close();
  });
});

describe('server keys, aliases, directory, identity', () => {
  it('store and find what they hold, keeping servers apart', async () => {
    const factory = freshFactory();
    const store = await open(factory);
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i);
    await store.write(['serverKeys', 'aliases', 'directory', 'identity'], async (txn) => {
      for (const [server, key] of [
        ['a.example', 'ed25519:1'],
        ['a.example', 'ed25519:0'],
        ['a.example.evil', 'ed25519:1'],
      ]) {
        await txn.serverKeys.put({
          serverName: server as ServerName,
          keyId: key as KeyId,
          publicKey: `${server}/${key}`,
          validUntilTs: 5,
        });
      }
      await txn.aliases.put({ alias: '#one:test.example', roomId, servers: [origin] });
      await txn.aliases.put({ alias: '#two:test.example', roomId, servers: [] });
      await txn.aliases.put({
        alias: '#else:test.example',
        roomId: '!s:test.example' as RoomId,
        servers: [],
      });
      await txn.aliases.delete('#two:test.example');
      await txn.directory.publish(roomId, 7);
      await txn.directory.publish('!s:test.example' as RoomId, 8);
      await txn.directory.unpublish('!s:test.example' as RoomId);
      await txn.identity.put({
        serverName: 'test.example' as ServerName,
        signingKey: { keyId: 'ed25519:a' as KeyId, seed },
        oldKeys: [{ keyId: 'ed25519:z' as KeyId, publicKey: 'AAAA', expiredTs: 3 }],
        profile: { displayName: 'Alice' },
      });
    });
    store.close();
    const reopened = await open(factory);
    const read = await reopened.read(
      ['serverKeys', 'aliases', 'directory', 'identity'],
      async (txn) => ({
        one: await txn.serverKeys.get('a.example' as ServerName, 'ed25519:1' as KeyId),
        forA: await txn.serverKeys.forServer('a.example' as ServerName),
        alias: await txn.aliases.get('#one:test.example'),
        forRoom: await txn.aliases.forRoom(roomId),
        listed: await txn.directory.list(),
        published: await txn.directory.isPublished(roomId),
        identity: await txn.identity.get(),
      }),
    );
    expect(read.one?.publicKey).toBe('a.example/ed25519:1');
    expect(read.forA.map((k) => k.keyId)).toEqual(['ed25519:0', 'ed25519:1']);
    expect(read.alias).toEqual({ alias: '#one:test.example', roomId, servers: [origin] });
    expect(read.forRoom.map((r) => r.alias)).toEqual(['#one:test.example']);
    expect(read.listed).toEqual([{ roomId, publishedTs: 7 }]);
    expect(read.published).toBe(true);
    expect(read.identity?.signingKey.seed).toEqual(seed);
    expect(read.identity?.profile.displayName).toBe('Alice');
    reopened.close();
  });
});
