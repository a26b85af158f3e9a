/**
 * JSON bodies on the wire, both directions: what we send is canonical JSON
 * (so the bytes we sign and the bytes we send are the same value), and what we
 * read is checked for size before it is decoded, then parsed strictly (UTF-8,
 * canonical-JSON integers only).
 */
import { canonicalJsonBytes } from '../core/canonical-json.js';
import { MatrixError, NotJsonError } from '../core/errors.js';
import type { JsonValue } from '../core/json.js';
import { parseStrictJson } from '../core/strict-json.js';

/** The content type of every JSON body we send. */
export const JSON_CONTENT_TYPE = 'application/json';

/** `value` as canonical JSON bytes. Throws CanonicalJsonError (M_BAD_JSON) for floats etc. */
export function encodeJson(value: unknown): Uint8Array {
  return canonicalJsonBytes(value);
}

/**
 * Parses a JSON body of at most `maxBytes` bytes. Errors: M_TOO_LARGE (413)
 * when over the limit, checked before any decoding; M_NOT_JSON for bytes that
 * are not UTF-8 or not JSON; M_BAD_JSON for JSON with numbers canonical JSON
 * forbids (floats, exponents, out-of-range integers).
 */
export function decodeJsonBody(body: Uint8Array, maxBytes: number): JsonValue {
  if (body.length > maxBytes) {
    throw new MatrixError('M_TOO_LARGE', `Body is ${body.length} bytes; the limit is ${maxBytes}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch (cause) {
    throw new NotJsonError('Body is not UTF-8', { cause });
  }
  return parseStrictJson(text);
}
