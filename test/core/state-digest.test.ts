import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  STATE_DIGEST_LENGTH,
  type StateTriple,
  stateDigestOf,
} from '../../src/core/state-digest.js';

/** The digest worked out independently: node:crypto SHA-256 over hand-written canonical JSON. */
function expected(json: string): string {
  return createHash('sha256')
    .update(json, 'utf8')
    .digest('base64url')
    .slice(0, STATE_DIGEST_LENGTH);
}

const create: StateTriple = ['m.room.create', '', '$create'];
const alice: StateTriple = ['m.room.member', '@alice:a', '$alice'];
const bob: StateTriple = ['m.room.member', '@bob:b', '$bob'];
const topic: StateTriple = ['m.room.topic', '', '$topic'];

describe('stateDigestOf', () => {
  const table: { name: string; entries: StateTriple[]; json: string }[] = [
    { name: 'empty state', entries: [], json: '[]' },
    { name: 'one entry', entries: [create], json: '[["m.room.create","","$create"]]' },
    {
      name: 'sorted by type, then state key',
      entries: [topic, bob, create, alice],
      json: '[["m.room.create","","$create"],["m.room.member","@alice:a","$alice"],["m.room.member","@bob:b","$bob"],["m.room.topic","","$topic"]]',
    },
    {
      // Code point order puts U+1F600 (a surrogate pair in UTF-16) after U+FFFD.
      name: 'state keys in code point order',
      entries: [
        ['x', '\u{1F600}', '$b'],
        ['x', '\uFFFD', '$a'],
      ],
      json: '[["x","\uFFFD","$a"],["x","\u{1F600}","$b"]]',
    },
  ];
  for (const { name, entries, json } of table) {
    it(name, () => {
      expect(stateDigestOf(entries)).toBe(expected(json));
    });
  }

  it('is 12 URL-safe base64 characters', () => {
    expect(stateDigestOf([create, alice])).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });

  it('does not depend on the order the entries come in', () => {
    const digests = new Set(
      [
        [create, alice, bob, topic],
        [topic, bob, alice, create],
        [bob, create, topic, alice],
      ].map((entries) => stateDigestOf(entries)),
    );
    expect(digests.size).toBe(1);
  });

  it('changes when any part of any entry changes', () => {
    const base = stateDigestOf([create, alice, topic]);
    const variants: StateTriple[][] = [
      [create, alice],
      [create, alice, topic, bob],
      [create, alice, ['m.room.topic', '', '$topic2']],
      [create, alice, ['m.room.name', '', '$topic']],
      [create, ['m.room.member', '@alice:b', '$alice'], topic],
    ];
    for (const entries of variants) expect(stateDigestOf(entries)).not.toBe(base);
  });

  it('refuses two events for one (type, state key)', () => {
    expect(() => stateDigestOf([create, ['m.room.create', '', '$other']])).toThrow(
      expect.objectContaining({ name: 'InvalidInputError', errcode: 'M_INVALID_PARAM' }),
    );
  });
});
