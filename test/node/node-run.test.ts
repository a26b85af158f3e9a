import { describe, expect, it } from 'vitest';
import { checkAuth } from '../../src/core/auth/check-auth.js';
import { decodeBase64 } from '../../src/core/base64.js';
import { eventIdFor } from '../../src/core/event-hashes.js';
import { keyLookupFromMap, verifyEvent } from '../../src/core/event-signing.js';
import type { Pdu } from '../../src/core/pdu.js';
import { validatePdu } from '../../src/core/validate-pdu.js';
import type { RoomPreset } from '../../src/node/api.js';
import type { EventRecord } from '../../src/store/records.js';
import { newNode, reopen, snapshot, type TestNode } from './helpers.js';
import { runScenario } from './scenario.js';

/** Every event record in the store, and the state groups. */
async function storedEvents(t: TestNode): Promise<EventRecord[]> {
  const rooms = await t.store.read(['rooms'], (txn) => txn.rooms.all());
  const all: EventRecord[] = [];
  for (const room of rooms) {
    await t.store.read(['events'], async (txn) => {
      let before: number | undefined;
      do {
        const page = await txn.events.timeline(room.roomId, { before, limit: 500 });
        all.push(...page.events);
        before = page.next;
      } while (before !== undefined);
    });
  }
  return all;
}

/** The spec properties every event the node stored must have. */
async function checkEveryStoredEvent(t: TestNode): Promise<number> {
  const info = await t.node.identity();
  const keys = keyLookupFromMap({
    [info.serverName]: { [info.keyId]: decodeBase64(info.publicKey) },
  });
  const events = await storedEvents(t);
  const byId = new Map(events.map((e) => [e.eventId, e]));
  for (const record of events) {
    const version = (await t.node.roomState(record.roomId)).roomVersion as '10' | '11' | '12';
    expect(() => validatePdu(record.pdu, version)).not.toThrow();
    expect(eventIdFor(record.pdu, version)).toBe(record.eventId);
    expect((await verifyEvent(record.pdu, version, keys)).status).toBe('valid');
    const authEvents: Pdu[] = record.pdu.auth_events.map((id) => byId.get(id as never)!.pdu);
    if (version === '12' && record.pdu.type !== 'm.room.create') {
      authEvents.push(byId.get(`$${record.roomId.slice(1)}` as never)!.pdu);
    }
    expect(checkAuth(record.pdu, authEvents, version)).toEqual({ allowed: true });
    // prev_events point back in the same room, and depth grows along them.
    for (const prev of record.pdu.prev_events) {
      expect(byId.get(prev as never)!.depth).toBeLessThan(record.depth);
    }
  }
  return events.length;
}

describe('a whole run: presets × room versions, then a reopen', () => {
  const versions = ['10', '11', '12'] as const;
  const presets: RoomPreset[] = ['private_chat', 'public_chat', 'trusted_private_chat'];

  it.each(versions)(
    'v%s: 1,000 messages and every operation survive a reopen unchanged',
    async (roomVersion) => {
      const t = await newNode('alice', Number(roomVersion));
      const rooms: string[] = [];
      for (const preset of presets) {
        rooms.push(
          await runScenario(t.node, {
            roomVersion,
            preset,
            messages: preset === 'private_chat' ? 1000 : 30,
          }),
        );
      }
      const before = await snapshot(t.node);
      const count = await checkEveryStoredEvent(t);
      expect(count).toBeGreaterThan(1000);

      const again = await reopen(t);
      expect(await snapshot(again.node)).toEqual(before);
      // The reopened node carries on from where the old one stopped.
      const next = await again.node.sendMessage(rooms[0]!, {
        msgtype: 'm.text',
        body: 'after reopen',
      });
      const state = await again.node.roomState(rooms[0]!);
      expect(state.heads).toEqual([next]);
      await checkEveryStoredEvent(again);
      again.node.close();
    },
  );

  it.each(versions.flatMap((v) => presets.map((p) => [v, p] as const)))(
    'v%s %s: the preset state is as the spec describes',
    async (roomVersion, preset) => {
      const t = await newNode('alice', 7);
      const { userId, serverName } = await t.node.identity();
      const bob = '@bob:example.org';
      const roomId = await t.node.createRoom({
        roomVersion,
        preset,
        name: 'N',
        alias: `#a:${serverName}`,
        invite: [bob],
      });
      const state = await t.node.roomState(roomId);
      expect(state.roomVersion).toBe(roomVersion);
      expect(state.joinRule).toBe(preset === 'public_chat' ? 'public' : 'invite');
      expect(state.historyVisibility).toBe('shared');
      expect(state.name).toBe('N');
      expect(state.canonicalAlias).toBe(`#a:${serverName}`);
      const guest = state.state.find((e) => e.type === 'm.room.guest_access');
      expect(guest?.content).toEqual(
        preset === 'public_chat' ? undefined : { guest_access: 'can_join' },
      );
      const users = state.powerLevels.users as Record<string, number>;
      if (roomVersion === '12') {
        expect(users[userId]).toBeUndefined();
        expect(state.creators).toEqual([userId]);
      } else {
        expect(users[userId]).toBe(100);
        expect(state.creators).toEqual([]);
      }
      expect(users[bob]).toBe(preset === 'trusted_private_chat' ? 100 : undefined);
      const members = await t.node.members(roomId);
      expect(members).toEqual([
        { userId, membership: 'join', powerLevel: roomVersion === '12' ? null : 100 },
        {
          userId: bob,
          membership: 'invite',
          powerLevel: preset === 'trusted_private_chat' ? 100 : 0,
        },
      ]);
      const create = state.state.find((e) => e.type === 'm.room.create')!;
      expect(create.content).toEqual(
        roomVersion === '10'
          ? { room_version: '10', creator: userId }
          : { room_version: roomVersion },
      );
      if (roomVersion === '12') expect(roomId).toBe(`!${create.eventId.slice(1)}`);
      else
        expect(roomId).toMatch(new RegExp(`^![A-Za-z]{18}:${serverName.replace(/\./g, '\\.')}$`));
      const alias = await t.store.read(['aliases'], (txn) => txn.aliases.get(`#a:${serverName}`));
      expect(alias).toEqual({ alias: `#a:${serverName}`, roomId, servers: [serverName] });
      await checkEveryStoredEvent(t);
      t.node.close();
    },
  );
});
