import { describe, expect, it } from 'vitest';
import type { Pdu } from '../../../src/core/pdu.js';
import {
  mainlineOf,
  mainlineOrder,
  mainlinePositions,
} from '../../../src/core/state-res/mainline-ordering.js';
import { MissingEventError } from '../../../src/core/state-res/missing-event-error.js';
import { graphEvents } from './helpers.js';

// P1 <- P2 <- P3 is the mainline; Q2 is a power levels fork off P1.
const events = graphEvents(
  {
    create: [],
    P1: ['create'],
    P2: ['create', 'P1'],
    P3: ['P2', 'create'],
    Q2: ['P1'],
    Q3: ['Q2'],
    msgNone: ['create'],
    msgP1: ['P1'],
    msgP2: ['create', 'P2'],
    msgP3: ['P3'],
    msgQ3: ['Q3'],
    msgP1late: ['P1'],
  },
  (id): Partial<Pdu> => {
    const ts: Record<string, number> = { msgP1late: 50, msgNone: 99 };
    if (id === 'create') return { type: 'm.room.create', state_key: '' };
    if (/^[PQ]\d$/.test(id))
      return { type: 'm.room.power_levels', state_key: '', origin_server_ts: 1 };
    return { type: 'm.room.topic', state_key: '', origin_server_ts: ts[id] ?? 10 };
  },
);

describe('mainlineOf', () => {
  it('walks power levels events through auth events', () => {
    expect([...mainlineOf('P3', events)]).toEqual([
      ['P3', 0],
      ['P2', 1],
      ['P1', 2],
    ]);
  });
  it('is empty without a power levels event', () => {
    expect(mainlineOf(undefined, events).size).toBe(0);
  });
});

describe('mainlinePositions', () => {
  const mainline = mainlineOf('P3', events);
  const cases = [
    { id: 'msgP3', position: 0 },
    { id: 'msgP2', position: 1 },
    { id: 'msgP1', position: 2 },
    { id: 'msgQ3', position: 2 }, // via Q3, Q2, then P1
    { id: 'msgNone', position: Infinity },
    { id: 'P3', position: 1 }, // e0 itself is not counted
  ];
  it.each(cases)('$id → $position', ({ id, position }) => {
    expect(mainlinePositions([id], mainline, events).get(id)).toBe(position);
  });
});

describe('mainlineOrder', () => {
  const cases = [
    {
      name: 'no mainline ancestor first, then oldest base; ts then ID break ties',
      ids: ['msgP3', 'msgQ3', 'msgP1late', 'msgP2', 'msgNone', 'msgP1'],
      p: 'P3',
      expected: ['msgNone', 'msgP1', 'msgQ3', 'msgP1late', 'msgP2', 'msgP3'],
    },
    {
      name: 'no power levels in the partial state: by ts, then event ID',
      ids: ['msgP3', 'msgNone', 'msgP1late', 'msgP1'],
      p: undefined,
      expected: ['msgP1', 'msgP3', 'msgP1late', 'msgNone'],
    },
    { name: 'no events', ids: [], p: 'P3', expected: [] },
  ];
  it.each(cases)('$name', ({ ids, p, expected }) => {
    expect(mainlineOrder(ids, p, events)).toEqual(expected);
  });

  it('terminates on a power levels cycle', () => {
    const cyclic = graphEvents({ A: ['B'], B: ['A'], m: ['A'] }, (id) =>
      id === 'm' ? {} : { type: 'm.room.power_levels', state_key: '' },
    );
    expect(mainlineOrder(['m'], 'A', cyclic)).toEqual(['m']);
    expect(mainlinePositions(['m'], new Map(), cyclic).get('m')).toBe(Infinity);
  });

  it('raises MissingEventError for a missing power levels event', () => {
    expect(() => mainlineOrder(['msgP1'], 'gone', events)).toThrow(MissingEventError);
  });
});
