import { CanonicalJsonError, NotJsonError } from './errors.js';
import type { JsonValue } from './json.js';

/**
 * Parses JSON from the wire with the number rules of room versions 6+: only
 * integers written as plain digits within ±(2^53 − 1); no fractions, no
 * exponents, no -0. `JSON.parse` alone would turn `1e5` into 100000 and `-0`
 * into 0, hiding input the spec says to reject, so number tokens are checked on
 * the text itself.
 */
export function parseStrictJson(text: string): JsonValue {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (cause) {
    throw new NotJsonError('Body is not valid JSON', { cause });
  }
  checkNumberTokens(text);
  return value;
}

const plainInteger = /^-?(?:0|[1-9]\d*)$/;

// A scan over the text, not a regular expression: a regex alternation inside a
// repeated group (to step over string literals) backtracks once per character
// and overflows V8's regexp stack on a string of a few megabytes, raising a
// RangeError instead of a typed error. The text is valid JSON by now, so string
// literals only need skipping and a number token runs until a non-number char.
function checkNumberTokens(text: string): void {
  // Fast exit: no digit at all means no number token.
  if (!/\d/.test(text)) return;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i++;
      while (i < length) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else {
          i++;
          if (d === 0x22) break;
        }
      }
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      i++;
      while (i < length && isNumberChar(text.charCodeAt(i))) i++;
      checkNumberToken(text.slice(start, i));
    } else {
      i++;
    }
  }
}

/** Digits, `.`, `e`, `E`, `+`, `-`: what can follow a number token's first char. */
function isNumberChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d
  );
}

function checkNumberToken(token: string): void {
  if (!plainInteger.test(token) || token === '-0') {
    throw new CanonicalJsonError(`Number ${token} is not a canonical JSON integer`);
  }
  if (!Number.isSafeInteger(Number(token))) {
    throw new CanonicalJsonError(`Integer ${token} is outside canonical JSON's range`);
  }
}
