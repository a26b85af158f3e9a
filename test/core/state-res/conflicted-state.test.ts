import { describe, expect, it } from 'vitest';
import { stateKeyOf } from '../../../src/core/pdu.js';
import { splitConflictedState } from '../../../src/core/state-res/conflicted-state.js';

const topic = stateKeyOf('m.room.topic', '');
const name = stateKeyOf('m.room.name', '');
const alice = stateKeyOf('m.room.member', '@alice:x');

const asObject = (split: ReturnType<typeof splitConflictedState>) => ({
  unconflicted: Object.fromEntries(split.unconflicted),
  conflicted: Object.fromEntries([...split.conflicted].map(([k, v]) => [k, [...v].sort()])),
});

describe('splitConflictedState', () => {
  const cases = [
    { name: 'no sets', sets: [], unconflicted: {}, conflicted: {} },
    {
      name: 'one set is all unconflicted',
      sets: [{ [topic]: '$t' }],
      unconflicted: { [topic]: '$t' },
      conflicted: {},
    },
    {
      name: 'same value everywhere vs different values',
      sets: [
        { [topic]: '$t', [name]: '$n1' },
        { [topic]: '$t', [name]: '$n2' },
      ],
      unconflicted: { [topic]: '$t' },
      conflicted: { [name]: ['$n1', '$n2'] },
    },
    {
      name: 'a key missing from one set is conflicted',
      sets: [{ [topic]: '$t', [alice]: '$a' }, { [topic]: '$t' }],
      unconflicted: { [topic]: '$t' },
      conflicted: { [alice]: ['$a'] },
    },
    {
      name: 'a key missing from the first set is conflicted',
      sets: [{}, { [alice]: '$a' }, { [alice]: '$a' }],
      unconflicted: {},
      conflicted: { [alice]: ['$a'] },
    },
    {
      name: 'three sets, two agree',
      sets: [{ [name]: '$n1' }, { [name]: '$n1' }, { [name]: '$n2' }],
      unconflicted: {},
      conflicted: { [name]: ['$n1', '$n2'] },
    },
  ];
  it.each(cases)('$name', ({ sets, unconflicted, conflicted }) => {
    const maps = sets.map((set) => new Map(Object.entries(set)));
    expect(asObject(splitConflictedState(maps))).toEqual({ unconflicted, conflicted });
  });
});
