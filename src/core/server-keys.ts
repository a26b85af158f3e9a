import { decodeBase64, encodeBase64 } from './base64.js';
import { PUBLIC_KEY_LENGTH, publicKeyFromSeed } from './crypto/ed25519.js';
import { InvalidInputError } from './errors.js';
import { isJsonObject } from './json.js';
import type { Signatures } from './pdu.js';
import { signJson, verifyJson } from './signing.js';

/**
 * Server key documents (server-server API, "Retrieving server keys"): the
 * `GET /_matrix/key/v2/server` response, which lists a server's current
 * signing keys (`verify_keys`: valid for requests and events), its old ones
 * (`old_verify_keys`: valid for events only) and how long the list may be
 * trusted, self-signed with the current keys. A notary ("Querying keys
 * through another server") returns the same document with its own signature
 * added beside the origin's.
 */

/** A server key document as published and as notaries relay it. */
export type ServerKeysDoc = {
  server_name: string;
  verify_keys: Record<string, { key: string }>;
  old_verify_keys: Record<string, { key: string; expired_ts: number }>;
  valid_until_ts: number;
  signatures: Signatures;
  /** Fields this type does not model (the legacy `tls_fingerprints`...). */
  [field: string]: unknown;
};

/** A current signing key: its ID (`ed25519:<version>`) and 32-byte seed. */
export interface ServerSigningKey {
  keyId: string;
  seed: Uint8Array;
}

/** A key the server no longer signs with, kept so old events still verify. */
export interface OldVerifyKey {
  keyId: string;
  /** The public key, raw or already unpadded base64. */
  key: Uint8Array | string;
  /** When the server stopped using it (ms since the epoch). */
  expiredTs: number;
}

/** Input to buildServerKeys. */
export interface BuildServerKeysOptions {
  serverName: string;
  /** The current keys; each is listed in `verify_keys` and signs the document. */
  keys: readonly ServerSigningKey[];
  oldVerifyKeys?: readonly OldVerifyKey[];
  /** When the list should be refreshed (ms since the epoch). */
  validUntilTs: number;
}

/** A key's ID: algorithm, colon, version of `[a-zA-Z0-9_]` characters. */
const ED25519_KEY_ID = /^ed25519:[a-zA-Z0-9_]+$/;

/** Servers must trust a key list for at most 7 days from now, whatever it says. */
export const MAX_KEY_VALIDITY_MS = 7 * 24 * 60 * 60 * 1000;

/** Builds and self-signs our `/_matrix/key/v2/server` response. */
export async function buildServerKeys(options: BuildServerKeysOptions): Promise<ServerKeysDoc> {
  const { serverName, keys, oldVerifyKeys = [], validUntilTs } = options;
  if (!serverName) throw new InvalidInputError('A server key document needs a server name');
  if (keys.length === 0) throw new InvalidInputError('A server key document needs a current key');
  if (!Number.isSafeInteger(validUntilTs) || validUntilTs < 0) {
    throw new InvalidInputError('valid_until_ts must be a non-negative integer');
  }

  const verifyKeys: Record<string, { key: string }> = {};
  for (const { keyId, seed } of keys) {
    checkKeyId(keyId);
    if (Object.hasOwn(verifyKeys, keyId)) throw new InvalidInputError(`Key ${keyId} is repeated`);
    verifyKeys[keyId] = { key: encodeBase64(publicKeyFromSeed(seed)) };
  }

  const oldKeys: Record<string, { key: string; expired_ts: number }> = {};
  for (const { keyId, key, expiredTs } of oldVerifyKeys) {
    checkKeyId(keyId);
    if (Object.hasOwn(verifyKeys, keyId) || Object.hasOwn(oldKeys, keyId)) {
      throw new InvalidInputError(`Key ${keyId} is listed twice`);
    }
    if (!Number.isSafeInteger(expiredTs) || expiredTs < 0) {
      throw new InvalidInputError(`expired_ts of ${keyId} must be a non-negative integer`);
    }
    const raw = typeof key === 'string' ? decodeBase64(key) : key;
    if (raw.length !== PUBLIC_KEY_LENGTH) {
      throw new InvalidInputError(`Old key ${keyId} is not a ${PUBLIC_KEY_LENGTH}-byte key`);
    }
    oldKeys[keyId] = { key: encodeBase64(raw), expired_ts: expiredTs };
  }

  let doc: ServerKeysDoc = {
    server_name: serverName,
    verify_keys: verifyKeys,
    old_verify_keys: oldKeys,
    valid_until_ts: validUntilTs,
    signatures: {},
  };
  for (const { keyId, seed } of keys) doc = await signJson(doc, serverName, keyId, seed);
  return doc;
}

function checkKeyId(keyId: string): void {
  if (!ED25519_KEY_ID.test(keyId)) {
    throw new InvalidInputError(`${JSON.stringify(keyId)} is not an ed25519 key ID`);
  }
}

/**
 * A notary's countersignature: the whole document, signed as Signing JSON
 * describes (so without `signatures`), added beside the signatures already
 * there. The document is not changed; a signed copy is returned.
 */
export async function addNotarySignature(
  doc: ServerKeysDoc,
  notaryName: string,
  keyId: string,
  seed: Uint8Array,
): Promise<ServerKeysDoc> {
  checkKeyId(keyId);
  if (!notaryName) throw new InvalidInputError('A notary signature needs a server name');
  return signJson(doc, notaryName, keyId, seed);
}

/** A key a verified document vouches for. */
export interface VerifiedServerKey {
  keyId: string;
  /** The raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
  /** Unpadded base64 of `publicKey`, as the document gave it. */
  publicKeyBase64: string;
  /**
   * Until when the key may be trusted: the document's `valid_until_ts`, capped
   * at 7 days after the check, as the spec requires. Set for current keys.
   */
  validUntilTs?: number;
  /** For an old key: when it stopped being used. Old keys verify events only. */
  expiredTs?: number;
}

/** The outcome of verifyServerKeys. */
export type ServerKeysVerification =
  | { ok: true; keys: VerifiedServerKey[] }
  | { ok: false; reason: string };

/**
 * Checks a fetched server key document (directly or through a notary):
 * its shape, that `server_name` is the server asked about, that it is still
 * valid at `nowMs` (`valid_until_ts` in the future), and that every current
 * ed25519 key in `verify_keys` has signed it. Signatures by other servers or
 * by keys not listed are ignored here (a notary's is checked with
 * verifyJson). Keys of algorithms other than ed25519 cannot be checked and
 * are left out. Bad input of any kind is reported, never thrown.
 */
export async function verifyServerKeys(
  doc: unknown,
  expectedServerName: string,
  nowMs: number = Date.now(),
): Promise<ServerKeysVerification> {
  const fail = (reason: string): ServerKeysVerification => ({ ok: false, reason });
  if (!isJsonObject(doc)) return fail('not a JSON object');
  const { server_name, verify_keys, old_verify_keys, valid_until_ts, signatures } = doc;
  if (typeof server_name !== 'string') return fail('server_name is missing');
  if (server_name !== expectedServerName) {
    return fail(`server_name is ${JSON.stringify(server_name)}, not the server asked about`);
  }
  if (!Number.isSafeInteger(valid_until_ts)) return fail('valid_until_ts is not an integer');
  const validUntil = valid_until_ts as number;
  if (validUntil <= nowMs) return fail('expired: valid_until_ts has passed');
  if (!isJsonObject(verify_keys)) return fail('verify_keys is missing');
  if (old_verify_keys !== undefined && !isJsonObject(old_verify_keys)) {
    return fail('old_verify_keys is not an object');
  }
  if (!isJsonObject(signatures)) return fail('signatures is missing');

  const keys: VerifiedServerKey[] = [];
  const cappedValidity = Math.min(validUntil, nowMs + MAX_KEY_VALIDITY_MS);
  for (const [keyId, entry] of Object.entries(verify_keys)) {
    if (!keyId.startsWith('ed25519:')) continue;
    if (!ED25519_KEY_ID.test(keyId)) return fail(`bad key ID ${JSON.stringify(keyId)}`);
    const publicKey = readKey(entry);
    if (!publicKey) return fail(`verify_keys.${keyId} is not an ed25519 public key`);
    if (!(await verifyJson(doc, server_name, keyId, publicKey))) {
      return fail(`not signed by ${server_name}'s key ${keyId}`);
    }
    keys.push({
      keyId,
      publicKey,
      publicKeyBase64: (entry as { key: string }).key,
      validUntilTs: cappedValidity,
    });
  }
  if (keys.length === 0) return fail('verify_keys holds no ed25519 key');

  for (const [keyId, entry] of Object.entries(old_verify_keys ?? {})) {
    if (!keyId.startsWith('ed25519:')) continue;
    if (!ED25519_KEY_ID.test(keyId)) return fail(`bad key ID ${JSON.stringify(keyId)}`);
    if (Object.hasOwn(verify_keys, keyId)) return fail(`${keyId} is both current and old`);
    const publicKey = readKey(entry);
    const expiredTs = isJsonObject(entry) ? entry.expired_ts : undefined;
    if (!publicKey || !Number.isSafeInteger(expiredTs)) {
      return fail(`old_verify_keys.${keyId} is malformed`);
    }
    keys.push({
      keyId,
      publicKey,
      publicKeyBase64: (entry as { key: string }).key,
      expiredTs: expiredTs as number,
    });
  }
  return { ok: true, keys };
}

/** The 32-byte key of a `{key: "<base64>"}` entry, or undefined. */
function readKey(entry: unknown): Uint8Array | undefined {
  if (!isJsonObject(entry) || typeof entry.key !== 'string') return undefined;
  try {
    const raw = decodeBase64(entry.key);
    return raw.length === PUBLIC_KEY_LENGTH ? raw : undefined;
  } catch {
    return undefined;
  }
}
