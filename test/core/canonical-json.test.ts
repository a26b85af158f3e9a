import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  canonicalJsonBytes,
  compareCodePoints,
  MAX_CANONICAL_DEPTH,
} from '../../src/core/canonical-json.js';
import { parseStrictJson } from '../../src/core/strict-json.js';
import { readConformance } from '../helpers/conformance.js';

interface SpecCanonical {
  vectors: { input_text: string; expected_canonical: string }[];
}

interface GmslCanonical {
  sort_cases: { input: string; expected: string }[];
  compact_string_escaping_cases: { input: string; expected: string }[];
  implementation_specific_cases: { input: string; gomatrixserverlib_output: string }[];
  strict_validation_room_v6_plus: {
    cases: { input: string; valid_v1?: boolean; valid_v6?: boolean; valid_v11?: boolean }[];
  };
  canonical_conversion_cases: { input: string; expected: string }[];
}

const spec = readConformance<SpecCanonical>('spec/canonical_json.json');
const gmsl = readConformance<GmslCanonical>('gomatrixserverlib/canonical_json_cases.json');
const utf8 = new TextEncoder();

/** Asserts `fn` throws a CanonicalJsonError (M_BAD_JSON), the typed error. */
function expectBadJson(fn: () => unknown): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(Error);
  expect(thrown).toMatchObject({ name: 'CanonicalJsonError', errcode: 'M_BAD_JSON' });
}

describe('canonical JSON: the spec appendix examples', () => {
  it('has all 10 examples', () => {
    expect(spec.vectors).toHaveLength(10);
  });

  for (const [i, { input_text, expected_canonical }] of spec.vectors.entries()) {
    it(`example ${i + 1} serialises to the expected UTF-8 bytes`, () => {
      const value: unknown = JSON.parse(input_text);
      expect(canonicalJson(value)).toBe(expected_canonical);
      expect(canonicalJsonBytes(value)).toEqual(utf8.encode(expected_canonical));
    });
  }

  it('the -0 / 1e10 example normalises on output but is refused by the strict v6+ parser', () => {
    const example = spec.vectors.find((v) => v.input_text.includes('1e10'));
    expect(example).toBeDefined();
    // The appendix shows the normalised form; room versions 6+ refuse such input.
    expect(canonicalJson(JSON.parse(example!.input_text))).toBe('{"a":0,"b":10000000000}');
    expectBadJson(() => parseStrictJson(example!.input_text));
  });
});

describe('canonical JSON: gomatrixserverlib cases', () => {
  for (const { input, expected } of gmsl.sort_cases) {
    it(`sorts ${JSON.stringify(input)}`, () => {
      expect(canonicalJson(parseStrictJson(input))).toBe(expected);
    });
  }

  for (const { input, expected } of gmsl.compact_string_escaping_cases) {
    it(`compacts and escapes ${input}`, () => {
      expect(canonicalJson(parseStrictJson(input))).toBe(expected);
    });
  }

  it('flags exactly one implementation-specific case: an unpaired surrogate', () => {
    expect(gmsl.implementation_specific_cases).toHaveLength(1);
    const [unpaired] = gmsl.implementation_specific_cases;
    expect(unpaired!.input).toBe('["\\uDEAD"]');
    // gomatrixserverlib drops the lone surrogate; the spec says nothing, and
    // UTF-8 cannot encode it. Our documented behaviour (JSON.stringify's, ES2019
    // "well-formed JSON.stringify") keeps it as a lowercase \u escape: the output
    // is ASCII, valid UTF-8 and valid JSON, loses nothing, and parses back to
    // the same string, so a signature over it stays checkable.
    const value = parseStrictJson(unpaired!.input);
    expect(canonicalJson(value)).toBe('["\\udead"]');
    expect(canonicalJson(value)).not.toBe(unpaired!.gomatrixserverlib_output);
    expect(canonicalJsonBytes(value)).toEqual(utf8.encode('["\\udead"]'));
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  describe('strict room v6+ validation', () => {
    for (const testCase of gmsl.strict_validation_room_v6_plus.cases) {
      const strictValid = testCase.valid_v11 ?? testCase.valid_v6;
      it(`${strictValid ? 'accepts' : 'refuses'} ${testCase.input}`, () => {
        expect(strictValid).toBeTypeOf('boolean');
        if (strictValid) {
          const value = parseStrictJson(testCase.input);
          // Valid input also serialises, and canonicalising is idempotent.
          const canonical = canonicalJson(value);
          expect(canonicalJson(parseStrictJson(canonical))).toBe(canonical);
        } else {
          expectBadJson(() => parseStrictJson(testCase.input));
        }
        // Room versions 1-5 tolerate everything here: it is all plain JSON.
        if (testCase.valid_v1) expect(() => JSON.parse(testCase.input)).not.toThrow();
      });
    }

    it('the serialiser itself refuses the out-of-range and fractional values', () => {
      expectBadJson(() => canonicalJson(JSON.parse('{"a":9007199254740992}')));
      expectBadJson(() => canonicalJson(JSON.parse('{"a":-9007199254740992}')));
      expectBadJson(() => canonicalJson(JSON.parse('{"foo": 1.1}')));
      expectBadJson(() => canonicalJson(JSON.parse('{"a":1.5}')));
      // 1e5 is the integer 100000 once parsed: only the strict parser sees the exponent.
      expect(canonicalJson(JSON.parse('{"a":1e5}'))).toBe('{"a":100000}');
    });
  });

  for (const { input, expected } of gmsl.canonical_conversion_cases) {
    it(`converts ${input}`, () => {
      expect(canonicalJson(JSON.parse(input))).toBe(expected);
      // Inputs with -0 are refused by the strict parser; the others pass it too.
      if (/-0\b/.test(input)) expectBadJson(() => parseStrictJson(input));
      else expect(canonicalJson(parseStrictJson(input))).toBe(expected);
    });
  }
});

describe('canonical JSON: serialiser rules', () => {
  it('orders keys by code point, not UTF-16 code unit', () => {
    // U+FFFF sorts before U+1F408 by code point; by code unit (D83D) it would not.
    const value = { '\u{1F408}': 1, '\uFFFF': 2, '\uE000': 3, a: 4 };
    expect(canonicalJson(value)).toBe('{"a":4,"\uE000":3,"\uFFFF":2,"\u{1F408}":1}');
    expect(compareCodePoints('\uFFFF', '\u{1F408}')).toBeLessThan(0);
    expect(compareCodePoints('\u{1F408}', '\uE000')).toBeGreaterThan(0);
    expect(compareCodePoints('ab', 'a')).toBeGreaterThan(0);
    expect(compareCodePoints('x', 'x')).toBe(0);
  });

  it('leaves out undefined properties, as JSON.stringify does', () => {
    expect(canonicalJson({ b: undefined, a: 1 })).toBe('{"a":1}');
  });

  it('accepts null-prototype objects', () => {
    const value = Object.create(null) as Record<string, unknown>;
    value.b = 1;
    value.a = [];
    expect(canonicalJson(value)).toBe('{"a":[],"b":1}');
  });

  it('keeps a "__proto__" own key', () => {
    expect(canonicalJson(JSON.parse('{"__proto__":1,"a":2}'))).toBe('{"__proto__":1,"a":2}');
  });

  it('accepts the integer range boundaries and refuses beyond them', () => {
    expect(canonicalJson([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER])).toBe(
      '[9007199254740991,-9007199254740991]',
    );
    expectBadJson(() => canonicalJson(Number.MAX_SAFE_INTEGER + 1));
    expectBadJson(() => canonicalJson(-Number.MAX_SAFE_INTEGER - 1));
  });

  it('refuses what canonical JSON cannot hold, with a typed error', () => {
    for (const bad of [
      0.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      10n,
      undefined,
      () => 1,
      Symbol('x'),
      [undefined],
      new Date(0),
      new Map(),
      new Uint8Array(1),
    ]) {
      expectBadJson(() => canonicalJson(bad));
    }
  });

  it('refuses a cyclic value with a typed error, not a stack overflow', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expectBadJson(() => canonicalJson(cyclic));
  });
});

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

/** JSON canonical JSON can hold: safe integers, any strings, nested containers. */
const { json: canonicalValue } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.string({ unit: 'binary' }),
    fc.array(tie('json'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary' }), tie('json'), { maxKeys: 5 }),
  ),
}));

/** A deterministic permutation from a seed (a small LCG). */
function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A deep copy whose objects got their keys inserted in a shuffled order. */
function reinsert(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item, i) => reinsert(item, seed + i + 1));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  const entries = shuffle(Object.entries(value), seed);
  for (const [i, [key, item]] of entries.entries()) {
    // defineProperty, so a "__proto__" key stays an own property.
    Object.defineProperty(out, key, {
      value: reinsert(item, seed * 31 + i),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

describe('canonical JSON: properties', () => {
  it('does not depend on key insertion order', () => {
    fc.assert(
      fc.property(canonicalValue, fc.integer(), (value, seed) => {
        expect(canonicalJson(reinsert(value, seed))).toBe(canonicalJson(value));
      }),
    );
  });

  it('is a fixed point: canonicalJson(JSON.parse(canonicalJson(x))) === canonicalJson(x)', () => {
    fc.assert(
      fc.property(canonicalValue, (value) => {
        const once = canonicalJson(value);
        expect(canonicalJson(JSON.parse(once))).toBe(once);
        expect(canonicalJson(parseStrictJson(once))).toBe(once);
      }),
    );
  });

  it('has no insignificant whitespace and encodes non-ASCII text raw', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'grapheme' }), fc.maxSafeInteger()), (value) => {
        const text = canonicalJson(value);
        // Outside strings nothing but structure: strip strings, then look.
        const skeleton = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
        expect(skeleton).not.toMatch(/\s/);
        expect(text).not.toMatch(/\\u(?!00[01][0-9a-f])/);
      }),
    );
  });

  it('refuses any non-integer number', () => {
    fc.assert(
      fc.property(
        fc.double().filter((d) => !Number.isSafeInteger(d) && !Object.is(d, -0)),
        (d) => {
          expectBadJson(() => canonicalJson({ a: [d] }));
        },
      ),
    );
  });
});

describe('canonical JSON: hostile input', () => {
  function nested(depth: number): unknown {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
    return value;
  }

  it('gives a typed error, not a RangeError, for 10,000 levels of nesting', () => {
    expectBadJson(() => canonicalJson(nested(10_000)));
    const text = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    expectBadJson(() => canonicalJson(parseStrictJson(text)));
  });

  it('serialises nesting up to the documented bound', () => {
    expect(() => canonicalJson(nested(MAX_CANONICAL_DEPTH))).not.toThrow();
    expectBadJson(() => canonicalJson(nested(MAX_CANONICAL_DEPTH + 1)));
  });

  it('gives a typed error, not a RangeError, when the output would exceed the string limit', () => {
    // 2^28 newlines escape to 2^29 characters: beyond V8's maximum string length.
    expectBadJson(() => canonicalJson({ a: '\n'.repeat(2 ** 28) }));
    const big = 'a'.repeat(2 ** 28);
    expectBadJson(() => canonicalJson([big, big]));
  });

  it('serialises a large (10 MB) string', () => {
    const big = 'x'.repeat(10_000_000);
    expect(canonicalJson({ big })).toHaveLength(10_000_000 + 10);
  });
});
