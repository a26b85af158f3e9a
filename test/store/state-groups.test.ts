import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventId, RoomId } from '../../src/core/ids.js';
import { type StateKey, stateKeyOf } from '../../src/core/pdu.js';
import type { StateGroupId } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import type { StateDelta } from '../../src/store/stores/state-groups-store.js';
import { freshFactory, open } from './helpers.js';

const roomId = '!r:test.example' as RoomId;
const topic = stateKeyOf('m.room.topic', '');
const name = stateKeyOf('m.room.name', '');
const e = (id: string) => `$${id}` as EventId;

function create(store: Store, prev: StateGroupId | undefined, delta: StateDelta) {
  return store.write(['stateGroups'], (txn) => txn.stateGroups.create(roomId, prev, delta));
}
function resolve(store: Store, group: StateGroupId) {
  return store.read(['stateGroups'], (txn) => txn.stateGroups.resolve(group));
}

describe('state groups', () => {
  it('stores deltas, shares a group when nothing changes, and removes keys set to null', async () => {
    const store = await open(freshFactory());
    const g1 = await create(store, undefined, { [topic]: e('t1') });
    const g2 = await create(store, g1, { [name]: e('n1') });
    expect(await create(store, g2, {})).toBe(g2);
    const g3 = await create(store, g2, { [topic]: null });
    expect(await resolve(store, g1)).toEqual(new Map([[topic, e('t1')]]));
    expect(await resolve(store, g2)).toEqual(
      new Map([
        [topic, e('t1')],
        [name, e('n1')],
      ]),
    );
    expect(await resolve(store, g3)).toEqual(new Map([[name, e('n1')]]));
    const raw = await store.read(['stateGroups'], (txn) => txn.stateGroups.get(g2));
    expect(raw).toEqual({
      roomId,
      prevGroup: g1,
      delta: { [name]: e('n1') },
      depthFromSnapshot: 1,
    });
    store.close();
  });

  it('writes a full snapshot every N deltas, so a resolve reads at most N groups', async () => {
    const store = await open(freshFactory(), 'tidepool-snap', { snapshotInterval: 4 });
    let group = await create(store, undefined, { [name]: e('n') });
    const depths: number[] = [];
    for (let i = 1; i <= 9; i++) {
      group = await create(store, group, { [topic]: e(`t${i}`) });
      const record = await store.read(['stateGroups'], (txn) => txn.stateGroups.get(group));
      depths.push(record!.depthFromSnapshot);
      if (record!.depthFromSnapshot === 0) {
        expect(record!.prevGroup).toBeUndefined();
        expect(record!.delta).toEqual({ [name]: e('n'), [topic]: e(`t${i}`) });
      }
    }
    expect(depths).toEqual([1, 2, 3, 0, 1, 2, 3, 0, 1]);
    expect(await resolve(store, group)).toEqual(
      new Map([
        [name, e('n')],
        [topic, e('t9')],
      ]),
    );
    store.close();
  });

  it('reports a broken chain as StoreMissingRecordError', async () => {
    const store = await open(freshFactory());
    await expect(resolve(store, 404 as StateGroupId)).rejects.toMatchObject({
      name: 'StoreMissingRecordError',
    });
    store.close();
  });

  it('resolves every group to the state a plain map model holds (property)', async () => {
    const keys = [
      topic,
      name,
      stateKeyOf('m.room.member', '@a:x'),
      stateKeyOf('m.room.member', '@b:x'),
    ];
    const delta = fc.dictionary(
      fc.constantFrom(...keys),
      fc.option(fc.integer({ min: 0, max: 99 })),
      {
        maxKeys: 3,
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(delta, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 6 }),
        async (deltas, interval) => {
          const store = await open(freshFactory(), 'tidepool-prop', { snapshotInterval: interval });
          let group: StateGroupId | undefined;
          let model = new Map<StateKey, EventId>();
          const expected = new Map<StateGroupId, Map<StateKey, EventId>>();
          for (const d of deltas) {
            const asDelta: StateDelta = Object.fromEntries(
              Object.entries(d).map(([k, v]) => [k, v === null ? null : e(String(v))]),
            );
            group = await create(store, group, asDelta);
            model = new Map(model);
            for (const [k, v] of Object.entries(asDelta)) {
              if (v === null) model.delete(k);
              else model.set(k, v);
            }
            expected.set(group, model);
          }
          for (const [id, state] of expected) expect(await resolve(store, id)).toEqual(state);
          store.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
