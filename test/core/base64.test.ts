import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../src/core/base64.js';
import { readConformance } from '../helpers/conformance.js';

interface Base64Vectors {
  vectors: { input_utf8: string; expected: string }[];
}

const { vectors } = readConformance<Base64Vectors>('spec/unpadded_base64.json');
const utf8 = new TextEncoder();

function expectInvalid(text: string): void {
  let thrown: unknown;
  try {
    decodeBase64(text);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, text).toMatchObject({ name: 'InvalidInputError', errcode: 'M_INVALID_PARAM' });
}

describe('unpadded base64: the spec vectors', () => {
  it('has the 7 RFC 4648 vectors', () => {
    expect(vectors).toHaveLength(7);
  });

  for (const { input_utf8, expected } of vectors) {
    const bytes = utf8.encode(input_utf8);
    it(`encodes ${JSON.stringify(input_utf8)} as ${JSON.stringify(expected)}`, () => {
      expect(encodeBase64(bytes)).toBe(expected);
      // These inputs use no 62nd/63rd symbols: both alphabets agree.
      expect(encodeBase64(bytes, { urlSafe: true })).toBe(expected);
    });

    it(`decodes ${JSON.stringify(expected)}, unpadded and padded`, () => {
      expect(decodeBase64(expected)).toEqual(bytes);
      const padded = expected + '='.repeat((4 - (expected.length % 4)) % 4);
      expect(decodeBase64(padded)).toEqual(bytes);
    });
  }
});

describe('unpadded base64: alphabets', () => {
  // 0xfb 0xff 0xbf encodes to "+/+/" (standard) and "-_-_" (URL-safe).
  const bytes = Uint8Array.from([0xfb, 0xff, 0xbf, 0xfe]);

  it('encodes with the standard or the URL-safe alphabet, never padded', () => {
    expect(encodeBase64(bytes)).toBe('+/+//g');
    expect(encodeBase64(bytes, { urlSafe: true })).toBe('-_-__g');
  });

  it('decodes either alphabet', () => {
    expect(decodeBase64('+/+//g')).toEqual(bytes);
    expect(decodeBase64('-_-__g')).toEqual(bytes);
    expect(decodeBase64('-_-__g==')).toEqual(bytes);
  });

  it('refuses a mix of alphabets', () => {
    expectInvalid('+_+_');
    expectInvalid('-/-/');
  });
});

describe('unpadded base64: decoding leniency and limits', () => {
  it('ignores unused trailing bits, as the spec test signing key needs', () => {
    // "...XA1": the final "1" carries bits past the 32nd byte.
    expect(decodeBase64('YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1')).toHaveLength(32);
    expect(decodeBase64('Zh')).toEqual(utf8.encode('f'));
  });

  it('refuses text that is not base64', () => {
    for (const bad of ['Zm9v!', 'Zm 9v', 'Zm9v\n', 'Z=g', '=Zg', 'Zg===', 'Zm9vY', 'ü', '*']) {
      expectInvalid(bad);
    }
  });

  it('decodes the empty string to no bytes', () => {
    expect(decodeBase64('')).toEqual(new Uint8Array(0));
  });

  it('round-trips any bytes in both alphabets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (data, urlSafe) => {
        const text = encodeBase64(data, { urlSafe });
        expect(text).not.toContain('=');
        expect(text).toMatch(urlSafe ? /^[A-Za-z0-9_-]*$/ : /^[A-Za-z0-9+/]*$/);
        expect(text).toHaveLength(Math.ceil((data.length * 4) / 3));
        expect(decodeBase64(text)).toEqual(data);
      }),
    );
  });

  it('agrees with Node\u2019s own base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (data) => {
        expect(encodeBase64(data)).toBe(Buffer.from(data).toString('base64').replace(/=+$/, ''));
        expect(encodeBase64(data, { urlSafe: true })).toBe(Buffer.from(data).toString('base64url'));
      }),
    );
  });
});
