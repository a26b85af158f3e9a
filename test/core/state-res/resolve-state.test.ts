import { describe, expect, it } from 'vitest';
import { type Pdu, stateKeyOf } from '../../../src/core/pdu.js';
import { MissingEventError } from '../../../src/core/state-res/missing-event-error.js';
import { resolveState } from '../../../src/core/state-res/resolve-state.js';
import { graphEvents } from './helpers.js';

const topic = stateKeyOf('m.room.topic', '');

describe('resolveState', () => {
  it('rejects an unsupported room version with M_UNSUPPORTED_ROOM_VERSION', () => {
    expect(() => resolveState('1', [], new Map())).toThrow(
      expect.objectContaining({ errcode: 'M_UNSUPPORTED_ROOM_VERSION' }),
    );
  });

  it('resolves no state sets to an empty map', () => {
    expect(resolveState('11', [], new Map()).size).toBe(0);
  });

  it.each(['10', '11', '12'])(
    'v%s: a missing conflicted event raises MissingEventError',
    (version) => {
      const sets = [new Map([[topic, '$a']]), new Map([[topic, '$b']])];
      expect(() => resolveState(version, sets, new Map())).toThrow(MissingEventError);
    },
  );

  it.each(['10', '11', '12'])('v%s: a hostile auth cycle terminates', (version) => {
    const events = graphEvents(
      { $a: ['$b'], $b: ['$a'] },
      (id): Partial<Pdu> => ({
        type: 'm.room.power_levels',
        state_key: '',
        room_id: '!a',
        sender: `@${id.slice(1)}:x`,
      }),
    );
    const sets = [
      new Map([[stateKeyOf('m.room.power_levels', ''), '$a']]),
      new Map([[stateKeyOf('m.room.power_levels', ''), '$b']]),
    ];
    const resolved = resolveState(version, sets, events);
    expect(resolved.size).toBeLessThanOrEqual(1);
  });
});
