import { decodeBase64, encodeBase64 } from './base64.js';
import { canonicalJsonBytes } from './canonical-json.js';
import { ed25519Sign, ed25519Verify } from './crypto/ed25519.js';
import { InvalidInputError } from './errors.js';
import { isJsonObject } from './json.js';
import type { Signatures } from './pdu.js';

/**
 * Signing JSON (appendices, "Signing JSON"): the signature covers the canonical
 * JSON of the object without its `signatures` and `unsigned` keys, and is added
 * under `signatures[serverName][keyId]`, beside any signatures already there.
 */

/** An object that may carry signatures. */
export type Signable = { signatures?: Signatures; unsigned?: unknown; [key: string]: unknown };

/** The bytes a signature covers: canonical JSON without `signatures` and `unsigned`. */
export function signedBytes(object: Signable): Uint8Array {
  const { signatures: _signatures, unsigned: _unsigned, ...rest } = object;
  return canonicalJsonBytes(rest);
}

/** Returns a copy of `object` with our signature added. Async: WebCrypto signs. */
export async function signJson<T extends Signable>(
  object: T,
  serverName: string,
  keyId: string,
  seed: Uint8Array,
): Promise<T> {
  if (!isJsonObject(object)) throw new InvalidInputError('Only JSON objects can be signed');
  const signature = await ed25519Sign(signedBytes(object), seed);
  const signatures: Signatures = {};
  for (const [server, keys] of Object.entries(object.signatures ?? {}))
    signatures[server] = { ...keys };
  signatures[serverName] = { ...signatures[serverName], [keyId]: encodeBase64(signature) };
  return { ...object, signatures };
}

/**
 * True when `object` carries a valid signature by `serverName` with `keyId`
 * for `publicKey`. A missing or malformed signature is false, not an error.
 * Async: WebCrypto verifies.
 */
export async function verifyJson(
  object: Signable,
  serverName: string,
  keyId: string,
  publicKey: Uint8Array,
): Promise<boolean> {
  const encoded = object.signatures?.[serverName]?.[keyId];
  if (typeof encoded !== 'string') return false;
  let signature: Uint8Array;
  let message: Uint8Array;
  try {
    signature = decodeBase64(encoded);
    message = signedBytes(object);
  } catch {
    return false;
  }
  return ed25519Verify(signature, message, publicKey);
}
