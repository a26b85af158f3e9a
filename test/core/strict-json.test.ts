import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json.js';
import { parseStrictJson } from '../../src/core/strict-json.js';
import { readConformance } from '../helpers/conformance.js';

interface GmslCanonical {
  strict_validation_room_v6_plus: {
    cases: { input: string; valid_v6?: boolean; valid_v11?: boolean }[];
  };
}

const gmsl = readConformance<GmslCanonical>('gomatrixserverlib/canonical_json_cases.json');

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectBadJson(text: string): void {
  expect(thrownBy(() => parseStrictJson(text))).toMatchObject({
    name: 'CanonicalJsonError',
    errcode: 'M_BAD_JSON',
    httpStatus: 400,
  });
}

describe('parseStrictJson', () => {
  it('parses plain JSON', () => {
    expect(parseStrictJson('{"a":[1,-2,0,true,null,"x"]}')).toEqual({
      a: [1, -2, 0, true, null, 'x'],
    });
    expect(parseStrictJson(' \t\n"just a string"\n')).toBe('just a string');
    expect(parseStrictJson('[]')).toEqual([]);
  });

  it('accepts the integer range boundaries', () => {
    expect(parseStrictJson('[9007199254740991,-9007199254740991]')).toEqual([
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
    ]);
  });

  it('refuses integers outside ±(2^53 - 1)', () => {
    expectBadJson('[9007199254740992]');
    expectBadJson('[-9007199254740992]');
    expectBadJson(`[${'9'.repeat(400)}]`);
  });

  it('refuses fractions, exponents and -0, however written', () => {
    for (const number of [
      '1.0',
      '1.5',
      '-0.5',
      '1e5',
      '1E5',
      '1e+5',
      '1e-5',
      '0e0',
      '-0',
      '-0.0',
    ]) {
      expectBadJson(`{"a":${number}}`);
      expectBadJson(`[1,${number}]`);
      expectBadJson(number);
    }
  });

  it('ignores number-like text inside strings, escapes included', () => {
    expect(parseStrictJson('{"1.5":"1e5","b":"-0","c":"\\"1.5\\\\","d":"\\\\","e":1}')).toEqual({
      '1.5': '1e5',
      b: '-0',
      c: '"1.5\\',
      d: '\\',
      e: 1,
    });
    // A string ending in an escaped backslash, then a real bad number.
    expectBadJson('["\\\\",1.5]');
    expectBadJson('["\\"",1e3]');
  });

  it('reports text that is not JSON as M_NOT_JSON', () => {
    for (const text of ['', '{', '{"a":}', "{'a':1}", '[1,]', 'NaN', '01', '{"a":1}x']) {
      expect(thrownBy(() => parseStrictJson(text))).toMatchObject({
        name: 'NotJsonError',
        errcode: 'M_NOT_JSON',
      });
    }
  });

  describe('gomatrixserverlib strict v6+ cases', () => {
    for (const { input, valid_v6, valid_v11 } of gmsl.strict_validation_room_v6_plus.cases) {
      const valid = valid_v11 ?? valid_v6;
      it(`${valid ? 'accepts' : 'refuses'} ${input}`, () => {
        if (valid) expect(parseStrictJson(input)).toEqual(JSON.parse(input));
        else expectBadJson(input);
      });
    }
  });

  it('parses back what canonicalJson writes', () => {
    const { json } = fc.letrec<{ json: unknown }>((tie) => ({
      json: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.maxSafeInteger(),
        fc.string({ unit: 'binary' }),
        fc.array(tie('json'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('json'), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(json, (value) => {
        expect(parseStrictJson(canonicalJson(value))).toEqual(value);
      }),
    );
  });

  it('refuses any JSON text holding a non-integer number', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
        fc.string(),
        (d, key) => {
          expectBadJson(JSON.stringify({ [key]: [d] }));
        },
      ),
    );
  });

  describe('hostile input', () => {
    it('handles strings of tens of megabytes without a RangeError', () => {
      // A regex tokenizer overflowed V8's regexp stack here (a bug, now fixed).
      const digits = '0123456789'.repeat(2_000_000);
      expect(parseStrictJson(`{"a":"${digits}","b":1}`)).toEqual({ a: digits, b: 1 });
      const escapes = '\\"1'.repeat(5_000_000);
      expect(parseStrictJson(`["${escapes}",2]`)).toHaveLength(2);
      expectBadJson(`["${digits}",2.5]`);
    });

    it('handles a huge number token with a typed error', () => {
      expectBadJson(`[${'1'.repeat(20_000_000)}]`);
    });

    it('parses 10,000 levels of nesting (the serialiser bounds depth, not the parser)', () => {
      const text = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
      expect(() => parseStrictJson(text)).not.toThrow();
      expectBadJson(`${'['.repeat(10_000)}1.5${']'.repeat(10_000)}`);
    });
  });
});
