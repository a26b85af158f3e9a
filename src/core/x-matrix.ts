import { decodeBase64, encodeBase64 } from './base64.js';
import { canonicalJsonBytes } from './canonical-json.js';
import { ed25519Sign, ed25519Verify } from './crypto/ed25519.js';
import { InvalidInputError, XMatrixError } from './errors.js';

/**
 * Request authentication between servers (server-server API, "Authentication >
 * Request Authentication"). The sender wraps the request's method, target,
 * both server names and the parsed body in a JSON object, signs that object's
 * canonical JSON with the JSON signing algorithm and sends the signature in an
 * `Authorization: X-Matrix ...` header.
 *
 * Only that signed-JSON form is produced and accepted. Some implementations
 * have signed other encodings of the same fields (a newline-joined string of
 * method, uri, origin...); those are not in the spec and never verify here.
 */

/** An outgoing request, as the sender signs it. */
export interface XMatrixRequest {
  /** The HTTP method as sent, e.g. `PUT`. */
  method: string;
  /**
   * The request target from `/_matrix/...` on, with `?` and the query string
   * exactly as sent (percent-encoding kept); no scheme, no host.
   */
  uri: string;
  /** The sending server's name (before any delegation). */
  origin: string;
  /** The receiving server's name (before any delegation). */
  destination: string;
  /**
   * The JSON-parsed request body. `undefined` (or `null`) means the request
   * has no body, and the signed JSON then has no `content` key at all.
   */
  content?: unknown;
}

/** An incoming request as the receiving server sees it. */
export interface XMatrixIncomingRequest {
  method: string;
  uri: string;
  /** Our own server name: what the sender must have signed as `destination`. */
  destination: string;
  /** The JSON-parsed body; `undefined` (or `null`) when the request had none. */
  content?: unknown;
}

/** The parameters of an `X-Matrix` Authorization header. */
export interface XMatrixParams {
  origin: string;
  /** Absent in headers from servers older than spec v1.3. */
  destination?: string;
  /** The signing key ID, e.g. `ed25519:abc`. */
  key: string;
  /** The unpadded base64 signature. */
  sig: string;
}

/** Finds a server's public key; undefined when the key is unknown. */
export type XMatrixKeyLookup = (
  serverName: string,
  keyId: string,
) => Promise<Uint8Array | undefined> | Uint8Array | undefined;

/** The JSON object whose canonical form an X-Matrix signature covers. */
export interface XMatrixSignedJson {
  method: string;
  uri: string;
  origin: string;
  destination: string;
  content?: unknown;
}

/** Builds the object that gets signed: `content` only when there is a body. */
export function xMatrixSignedJson(request: XMatrixRequest): XMatrixSignedJson {
  const signed: XMatrixSignedJson = {
    method: request.method,
    uri: request.uri,
    origin: request.origin,
    destination: request.destination,
  };
  if (request.content !== undefined && request.content !== null) signed.content = request.content;
  return signed;
}

const ED25519_PREFIX = 'ed25519:';

/**
 * Signs `request` with the Ed25519 key `seed` (ID `keyId`) and returns the
 * Authorization header value:
 * `X-Matrix origin="…",destination="…",key="ed25519:…",sig="…"`.
 * As the spec asks of senders: one space after the scheme, lower-case names,
 * every value quoted, no whitespace around commas.
 */
export async function buildXMatrix(
  request: XMatrixRequest,
  keyId: string,
  seed: Uint8Array,
): Promise<string> {
  if (!keyId.startsWith(ED25519_PREFIX) || keyId.length === ED25519_PREFIX.length) {
    throw new InvalidInputError(`Signing key ID ${JSON.stringify(keyId)} is not an ed25519 key`);
  }
  const signature = await ed25519Sign(canonicalJsonBytes(xMatrixSignedJson(request)), seed);
  const params: [string, string][] = [
    ['origin', request.origin],
    ['destination', request.destination],
    ['key', keyId],
    ['sig', encodeBase64(signature)],
  ];
  return `X-Matrix ${params.map(([name, value]) => `${name}=${quote(name, value)}`).join(',')}`;
}

/**
 * A quoted-string for `value`. Server names and key IDs never need escapes;
 * a `"` or `\` would be escaped, and anything a header cannot carry (control
 * characters, which could split the header, or non-Latin-1 text) is refused.
 */
function quote(name: string, value: string): string {
  if (value === '') throw new InvalidInputError(`X-Matrix ${name} must not be empty`);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c > 0xff) {
      throw new InvalidInputError(`X-Matrix ${name} holds a character a header cannot carry`);
    }
  }
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

// ---------------------------------------------------------------------------
// Parsing. The header follows RFC 9110 §11.4 (credentials):
//   credentials = auth-scheme [ 1*SP #auth-param ]
//   auth-param  = token BWS "=" BWS ( token / quoted-string )
// with list elements separated by OWS "," OWS. Leniencies, all spec-sanctioned
// or harmless: tabs as well as spaces after the scheme, empty list elements
// (RFC 9110 §5.6.1 asks recipients to ignore them), and ':' inside unquoted
// values (the spec asks this for compatibility with older servers).
// ---------------------------------------------------------------------------

const SCHEME = 'x-matrix';
const KNOWN_PARAMS = new Set(['origin', 'destination', 'key', 'sig']);

function isTchar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || // DIGIT
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x61 && c <= 0x7a) || // a-z
    "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c))
  );
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * Parses an `X-Matrix` Authorization header value. The scheme and parameter
 * names are case-insensitive; order does not matter; unknown parameters are
 * ignored; quoted values are unescaped. `origin`, `key` and `sig` are required,
 * `destination` optional. The spec's prose once named the signature parameter
 * `signature`, but its example and every implementation use `sig`, so only
 * `sig` is read (`signature` is an unknown parameter, hence ignored).
 * Malformed headers raise an XMatrixError (M_UNAUTHORIZED, 401).
 */
export function parseXMatrix(header: string): XMatrixParams {
  if (typeof header !== 'string') throw new XMatrixError('Missing Authorization header');
  const text = header;
  let pos = 0;

  // Scheme.
  while (pos < text.length && isWhitespace(text.charCodeAt(pos))) pos++;
  const schemeStart = pos;
  while (pos < text.length && isTchar(text.charCodeAt(pos))) pos++;
  if (text.slice(schemeStart, pos).toLowerCase() !== SCHEME) {
    fail('the authorization scheme is not X-Matrix');
  }
  if (pos >= text.length || !isWhitespace(text.charCodeAt(pos))) {
    fail('no parameters after the scheme');
  }

  const params = new Map<string, string>();
  const skipWhitespace = () => {
    while (pos < text.length && isWhitespace(text.charCodeAt(pos))) pos++;
  };

  skipWhitespace();
  for (;;) {
    // Empty list elements ("a=b,,c=d") are skipped.
    while (pos < text.length && text.charCodeAt(pos) === 0x2c /* , */) {
      pos++;
      skipWhitespace();
    }
    if (pos >= text.length) break;

    const nameStart = pos;
    while (pos < text.length && isTchar(text.charCodeAt(pos))) pos++;
    if (pos === nameStart) fail(`unexpected character at ${pos}`);
    const name = text.slice(nameStart, pos).toLowerCase();
    skipWhitespace();
    if (text.charCodeAt(pos) !== 0x3d /* = */) fail(`parameter ${name} has no value`);
    pos++;
    skipWhitespace();

    let value: string;
    if (text.charCodeAt(pos) === 0x22 /* " */) {
      pos++;
      value = '';
      for (;;) {
        if (pos >= text.length) fail(`unterminated quoted value for ${name}`);
        const c = text.charCodeAt(pos);
        if (c === 0x22) {
          pos++;
          break;
        }
        if (c === 0x5c /* \ */) {
          pos++;
          if (pos >= text.length) fail(`unterminated quoted value for ${name}`);
          const escaped = text.charCodeAt(pos);
          if (!isQuotedPairChar(escaped)) fail(`bad escape in the value of ${name}`);
          value += text[pos];
          pos++;
          continue;
        }
        if (!isQdtext(c)) fail(`bad character in the value of ${name}`);
        value += text[pos];
        pos++;
      }
    } else {
      const valueStart = pos;
      while (pos < text.length) {
        const c = text.charCodeAt(pos);
        if (!isTchar(c) && c !== 0x3a /* : */) break;
        pos++;
      }
      if (pos === valueStart) fail(`parameter ${name} has no value`);
      value = text.slice(valueStart, pos);
    }

    if (KNOWN_PARAMS.has(name)) {
      // A repeated parameter would make the header ambiguous (RFC 9110: each
      // name occurs once), so it is refused rather than resolved either way.
      if (params.has(name)) fail(`parameter ${name} is repeated`);
      params.set(name, value);
    }

    skipWhitespace();
    if (pos >= text.length) break;
    if (text.charCodeAt(pos) !== 0x2c) fail(`expected ',' at ${pos}`);
  }

  const origin = params.get('origin');
  const key = params.get('key');
  const sig = params.get('sig');
  const destination = params.get('destination');
  if (!origin) fail('origin is missing');
  if (!key) fail('key is missing');
  if (!sig) fail('sig is missing');
  if (destination === '') fail('destination is empty');
  const result: XMatrixParams = { origin, key, sig };
  if (destination !== undefined) result.destination = destination;
  return result;
}

function fail(why: string): never {
  throw new XMatrixError(`Malformed X-Matrix Authorization header: ${why}`);
}

/** qdtext: HTAB, SP, VCHAR except `"` and `\`, obs-text. */
function isQdtext(c: number): boolean {
  return (
    c === 0x09 ||
    c === 0x20 ||
    c === 0x21 ||
    (c >= 0x23 && c <= 0x5b) ||
    (c >= 0x5d && c <= 0x7e) ||
    (c >= 0x80 && c <= 0xff)
  );
}

/** What may follow a backslash: HTAB, SP, VCHAR, obs-text. */
function isQuotedPairChar(c: number): boolean {
  return c === 0x09 || (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xff);
}

/**
 * Checks an incoming request's X-Matrix header: parses it, refuses a
 * `destination` other than ours (401, as the spec requires), looks up the
 * origin's key and verifies the signature over the signed JSON (built with
 * our own name as `destination`, which is what the sender signed whether or
 * not the header names it). Returns who signed. Every failure is an
 * XMatrixError (M_UNAUTHORIZED, 401), including a body that canonical JSON
 * cannot hold, since its signature then cannot be checked. Errors thrown by
 * `lookupKey` itself (a failed key fetch, say) propagate unchanged.
 *
 * One header is checked; a request carrying several (one per signing key) is
 * authenticated when any one of them verifies.
 */
export async function verifyXMatrix(
  request: XMatrixIncomingRequest,
  header: string | undefined,
  lookupKey: XMatrixKeyLookup,
): Promise<{ origin: string; keyId: string }> {
  if (header === undefined || header === '') {
    throw new XMatrixError('Missing Authorization header');
  }
  const params = parseXMatrix(header);
  if (params.destination !== undefined && params.destination !== request.destination) {
    throw new XMatrixError(
      `Request is for ${JSON.stringify(params.destination)}, not ${JSON.stringify(request.destination)}`,
    );
  }
  if (!params.key.startsWith(ED25519_PREFIX)) {
    throw new XMatrixError(`Unsupported signing key algorithm in ${JSON.stringify(params.key)}`);
  }

  let message: Uint8Array;
  try {
    message = canonicalJsonBytes(
      xMatrixSignedJson({
        method: request.method,
        uri: request.uri,
        origin: params.origin,
        destination: request.destination,
        content: request.content,
      }),
    );
  } catch (cause) {
    throw new XMatrixError('Request body cannot be canonicalised to check its signature', {
      cause,
    });
  }

  let signature: Uint8Array;
  try {
    signature = decodeBase64(params.sig);
  } catch (cause) {
    throw new XMatrixError('X-Matrix sig is not base64', { cause });
  }

  const publicKey = await lookupKey(params.origin, params.key);
  if (publicKey === undefined) {
    throw new XMatrixError(
      `Unknown key ${JSON.stringify(params.key)} for ${JSON.stringify(params.origin)}`,
    );
  }
  if (!(await ed25519Verify(signature, message, publicKey))) {
    throw new XMatrixError('X-Matrix signature does not verify');
  }
  return { origin: params.origin, keyId: params.key };
}
