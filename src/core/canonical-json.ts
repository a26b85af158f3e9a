import { CanonicalJsonError } from './errors.js';

/**
 * The spec's canonical JSON (appendices, "Canonical JSON"): object keys sorted by
 * Unicode code point, no insignificant whitespace, UTF-8, integers only, in the
 * range room versions 6+ allow.
 */

/** The largest integer canonical JSON (room versions 6+) allows: 2^53 - 1. */
export const MAX_CANONICAL_INTEGER = Number.MAX_SAFE_INTEGER;

/**
 * Deeper than any real event; a bound so hostile or cyclic input gets a typed
 * error instead of a stack overflow.
 */
export const MAX_CANONICAL_DEPTH = 256;

/**
 * Serialises `value` as canonical JSON. Object properties whose value is
 * `undefined` are left out, as `JSON.stringify` does, so optional fields of a
 * TypeScript object need no cleaning first. Anything else canonical JSON cannot
 * hold raises a CanonicalJsonError (M_BAD_JSON).
 */
export function canonicalJson(value: unknown): string {
  try {
    return encode(value, 0);
  } catch (cause) {
    // Output longer than the engine's maximum string length (huge strings).
    if (cause instanceof RangeError) {
      throw new CanonicalJsonError('JSON too large to serialise', { cause });
    }
    throw cause;
  }
}

/** Canonical JSON as UTF-8 bytes: what gets hashed and signed. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalJson(value));
}

const utf8 = new TextEncoder();

/** What JSON.stringify would escape in a string: quote, backslash, controls, surrogates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its job.
const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/;

function encode(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      // JSON.stringify escapes exactly what canonical JSON escapes: `"`, `\` and
      // control characters, with the short forms and lowercase \u00xx (and lone
      // surrogates, see the tests). Most strings hold none of these: quoted as is.
      return needsEscape.test(value) ? JSON.stringify(value) : `"${value}"`;
    case 'number':
      return encodeNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depth >= MAX_CANONICAL_DEPTH) {
        throw new CanonicalJsonError(`JSON nested deeper than ${MAX_CANONICAL_DEPTH} levels`);
      }
      if (Array.isArray(value)) return encodeArray(value, depth + 1);
      return encodeObject(value, depth + 1);
    default:
      throw new CanonicalJsonError(`Canonical JSON cannot hold a value of type ${typeof value}`);
  }
}

function encodeNumber(value: number): string {
  if (!Number.isInteger(value)) {
    throw new CanonicalJsonError(`Canonical JSON allows only integers, got ${value}`);
  }
  if (value > MAX_CANONICAL_INTEGER || value < -MAX_CANONICAL_INTEGER) {
    throw new CanonicalJsonError(`Integer ${value} is outside canonical JSON's range`);
  }
  // String(-0) is "0": the spec's example normalises -0 to 0.
  return String(value);
}

function encodeArray(values: readonly unknown[], depth: number): string {
  let out = '[';
  for (let i = 0; i < values.length; i++) {
    const item = values[i];
    if (item === undefined)
      throw new CanonicalJsonError('Canonical JSON arrays cannot hold undefined');
    if (i > 0) out += ',';
    out += encode(item, depth);
  }
  return `${out}]`;
}

function encodeObject(value: object, depth: number): string {
  const record = value as Record<string, unknown>;
  const keys = sortedKeys(value);
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(key)}:${encode(item, depth)}`;
  }
  return `${out}}`;
}

/** The own keys of a plain object, in canonical order; CanonicalJsonError for anything else. */
function sortedKeys(value: object): string[] {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalJsonError('Canonical JSON holds only plain objects and arrays');
  }
  const keys = Object.keys(value);
  // Most objects in events have one or two keys, or come already in order.
  if (keys.length < 2 || isSorted(keys)) return keys;
  return keys.sort(compareCodePoints);
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) {
    if (compareCodePoints(keys[i - 1] as string, keys[i] as string) > 0) return false;
  }
  return true;
}

/**
 * An object's canonical JSON taken apart: its defined members in canonical
 * key order, each with the canonical JSON of `"key":value`. Joining them
 * (joinMembers) gives exactly canonicalJson(object); leaving members out
 * gives the canonical JSON of the object without those keys. Lets one
 * encoding serve several forms of an event (see event-encoding.ts).
 */
export interface CanonicalMembers {
  /** Keys in canonical order (members whose value is undefined left out). */
  readonly keys: readonly string[];
  /** The values, in the same order. */
  readonly values: readonly unknown[];
  /** `"key":value` in canonical JSON, in the same order. */
  readonly json: readonly string[];
}

/**
 * The canonical members of `object` (a plain object). When `reuse` is given,
 * a member whose key and value (the same value, by identity) are in `reuse`
 * takes its encoding from there instead of encoding it again: callers must
 * not have changed shared values in between. CanonicalJsonError as canonicalJson.
 */
export function canonicalMembers(object: object, reuse?: CanonicalMembers): CanonicalMembers {
  try {
    const record = object as Record<string, unknown>;
    const sorted = sortedKeys(object);
    const keys: string[] = [];
    const values: unknown[] = [];
    const json: string[] = [];
    // Both key lists are in canonical order: one merged walk finds the shared ones.
    let r = 0;
    for (const key of sorted) {
      const value = record[key];
      if (value === undefined) continue;
      let encoded: string | undefined;
      if (reuse !== undefined) {
        while (r < reuse.keys.length && compareCodePoints(reuse.keys[r] as string, key) < 0) r++;
        if (reuse.keys[r] === key && reuse.values[r] === value) encoded = reuse.json[r];
      }
      keys.push(key);
      values.push(value);
      json.push(encoded ?? `${JSON.stringify(key)}:${encode(value, 1)}`);
    }
    return { keys, values, json };
  } catch (cause) {
    if (cause instanceof RangeError) {
      throw new CanonicalJsonError('JSON too large to serialise', { cause });
    }
    throw cause;
  }
}

/**
 * The canonical JSON of the object `members` came from, without the members
 * whose key is in `omit`.
 */
export function joinMembers(members: CanonicalMembers, omit?: ReadonlySet<string>): string {
  let out = '{';
  let first = true;
  for (let i = 0; i < members.keys.length; i++) {
    if (omit?.has(members.keys[i] as string)) continue;
    if (!first) out += ',';
    first = false;
    out += members.json[i];
  }
  return `${out}}`;
}

/**
 * Orders strings by Unicode code point. JavaScript compares UTF-16 code units,
 * which puts astral characters (surrogate pairs, D800–DFFF) before U+E000–U+FFFF;
 * code point order puts them after, so surrogates are moved above that range.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

function rank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}
