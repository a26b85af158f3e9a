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

// A JSON string literal, or a number token. Strings are matched first so digits
// inside them are skipped.
const tokenPattern = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const plainInteger = /^-?(?:0|[1-9]\d*)$/;

function checkNumberTokens(text: string): void {
  // Fast exit: no digit at all means no number token.
  if (!/\d/.test(text)) return;
  tokenPattern.lastIndex = 0;
  for (let match = tokenPattern.exec(text); match !== null; match = tokenPattern.exec(text)) {
    const token = match[0];
    if (token.charCodeAt(0) === 0x22 /* " */) continue;
    if (!plainInteger.test(token) || token === '-0') {
      throw new CanonicalJsonError(`Number ${token} is not a canonical JSON integer`);
    }
    if (!Number.isSafeInteger(Number(token))) {
      throw new CanonicalJsonError(`Integer ${token} is outside canonical JSON's range`);
    }
  }
}
