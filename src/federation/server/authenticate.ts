/**
 * The auth step for protected endpoints (server-server API, "Request
 * Authentication"): read the X-Matrix credentials from the Authorization
 * header, refuse a `destination` other than us, look up the origin's key and
 * verify the signature over method, target, both names and the body. Every
 * failure is 401 M_UNAUTHORIZED (XMatrixError), as the spec asks for a wrong
 * destination and as other homeservers answer for bad signatures.
 */
import { XMatrixError } from '../../core/errors.js';
import { isValidServerName } from '../../core/identifiers.js';
import type { ServerName } from '../../core/ids.js';
import type { JsonObject } from '../../core/json.js';
import { parseXMatrix, verifyXMatrix, type XMatrixKeyLookup } from '../../core/x-matrix.js';
import type { FederationRequest } from '../transport.js';

/** Who signed a request. */
export interface Authenticated {
  origin: ServerName;
  keyId: string;
}

/**
 * Authenticates `request` (whose parsed body is `content`) as sent to us,
 * `ourName`. A request may carry several X-Matrix credentials (one per
 * signing key); all must name the same origin and a matching destination,
 * and one verifying is enough. `lookupKey` must return only keys valid for
 * requests now (current keys, not old_verify_keys).
 */
export async function authenticateRequest(
  request: FederationRequest,
  content: JsonObject | undefined,
  ourName: string,
  lookupKey: XMatrixKeyLookup,
): Promise<Authenticated> {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') {
    throw new XMatrixError('Missing Authorization header');
  }
  const credentials = splitCredentials(header).filter((c) => /^x-matrix(?:[ \t]|$)/i.test(c));
  if (credentials.length === 0) throw new XMatrixError('No X-Matrix credentials in Authorization');

  // Parse every credential before any key lookup: a malformed header, a
  // foreign destination or a bad origin is refused without network traffic.
  const parsed = credentials.map(parseXMatrix);
  const origin = parsed[0]!.origin;
  for (const params of parsed) {
    if (params.origin !== origin) throw new XMatrixError('X-Matrix credentials name two origins');
    if (params.destination !== undefined && params.destination !== ourName) {
      throw new XMatrixError(`Request is for ${JSON.stringify(params.destination)}, not us`);
    }
  }
  if (!isValidServerName(origin)) throw new XMatrixError('X-Matrix origin is not a server name');

  const incoming = { method: request.method, uri: request.path, destination: ourName, content };
  let firstFailure: unknown;
  for (const credential of credentials) {
    try {
      const { keyId } = await verifyXMatrix(incoming, credential, lookupKey);
      return { origin, keyId };
    } catch (error) {
      if ((error as Error).name !== 'XMatrixError') throw error;
      firstFailure ??= error;
    }
  }
  throw firstFailure;
}

/**
 * Splits a header value that may hold several credentials joined with commas
 * (how carriers merge repeated headers) at each comma, outside quoted values,
 * that is followed by a new `X-Matrix` scheme. Commas between one
 * credential's parameters are left alone.
 */
export function splitCredentials(header: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',' && /^[ \t]*x-matrix[ \t]/i.test(header.slice(i + 1))) {
      parts.push(header.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(header.slice(start).trim());
  return parts;
}
