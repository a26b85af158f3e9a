/**
 * The identity export file: versioned JSON text holding the secret seed, for
 * backups and moving a node to another browser. The parser is strict — every
 * field is checked and refused in words — because an imported identity signs
 * everything the node says afterwards.
 *
 * ```json
 * {"tidepool_identity": 1, "server_name": "...", "localpart": "alice",
 *  "signing_key": {"key_id": "ed25519:abc", "seed": "<unpadded base64>"},
 *  "old_verify_keys": [{"key_id": "...", "key": "<base64>", "expired_ts": 0}],
 *  "profile": {"displayname": "Alice", "avatar_url": "mxc://..."}}
 * ```
 */
import { decodeBase64, encodeBase64 } from '../core/base64.js';
import { PUBLIC_KEY_LENGTH, publicKeyFromSeed, SEED_LENGTH } from '../core/crypto/ed25519.js';
import { InvalidInputError } from '../core/errors.js';
import { isValidServerName } from '../core/identifiers.js';
import type { KeyId, ServerName } from '../core/ids.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../core/json.js';
import type { IdentityRecord } from '../store/records.js';
import { checkKeyId, checkLocalpart } from './identity.js';
import { publicKeyOfServerName } from './server-name.js';

/** The format version this build writes and reads. */
export const IDENTITY_FILE_VERSION = 1;

/** The identity as the file's text (pretty-printed: people open backups). */
export function exportIdentityFile(identity: IdentityRecord): string {
  const profile: JsonObject = {};
  if (identity.profile.displayName !== undefined)
    profile.displayname = identity.profile.displayName;
  if (identity.profile.avatarUrl !== undefined) profile.avatar_url = identity.profile.avatarUrl;
  const file: JsonObject = {
    tidepool_identity: IDENTITY_FILE_VERSION,
    server_name: identity.serverName,
    localpart: identity.localpart ?? 'user',
    signing_key: {
      key_id: identity.signingKey.keyId,
      seed: encodeBase64(identity.signingKey.seed),
    },
    old_verify_keys: identity.oldKeys.map((k) => ({
      key_id: k.keyId,
      key: k.publicKey,
      expired_ts: k.expiredTs,
    })),
    profile,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

const topKeys = [
  'tidepool_identity',
  'server_name',
  'localpart',
  'signing_key',
  'old_verify_keys',
  'profile',
];

/** Parses and checks an identity file; InvalidInputError (M_INVALID_PARAM) in words on anything wrong. */
export function parseIdentityFile(text: string): IdentityRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new InvalidInputError('This is not an identity file: it is not JSON', { cause });
  }
  if (!isJsonObject(json)) throw bad('it is not a JSON object');
  const version = json.tidepool_identity;
  if (version === undefined) throw bad('"tidepool_identity" is missing');
  if (version !== IDENTITY_FILE_VERSION) {
    throw bad(`it is version ${JSON.stringify(version)}; this Tidepool reads version 1`);
  }
  onlyKeys(json, topKeys, 'the file');
  const serverName = json.server_name;
  if (!isValidServerName(serverName)) throw bad('"server_name" is missing or not a server name');
  const localpart = json.localpart;
  try {
    checkLocalpart(localpart, serverName);
  } catch (error) {
    throw bad(`"localpart": ${(error as Error).message}`);
  }
  const signing = field(json, 'signing_key');
  onlyKeys(signing, ['key_id', 'seed'], '"signing_key"');
  const keyId = signing.key_id;
  try {
    checkKeyId(keyId);
  } catch {
    throw bad('"signing_key.key_id" is not an ed25519: key ID');
  }
  const seed = strictBase64(signing.seed, SEED_LENGTH, '"signing_key.seed"');
  const expected = publicKeyOfServerName(serverName);
  if (expected === undefined || !sameBytes(expected, publicKeyFromSeed(seed))) {
    throw bad('the signing key does not belong to the server name (the file was altered)');
  }
  return {
    serverName: serverName as ServerName,
    localpart,
    signingKey: { keyId, seed },
    oldKeys: parseOldKeys(json.old_verify_keys),
    profile: parseProfile(json.profile),
  };
}

function parseOldKeys(value: JsonValue | undefined): IdentityRecord['oldKeys'] {
  if (!Array.isArray(value)) throw bad('"old_verify_keys" must be a list');
  return value.map((entry, i) => {
    const where = `"old_verify_keys[${i}]"`;
    if (!isJsonObject(entry)) throw bad(`${where} is not an object`);
    onlyKeys(entry, ['key_id', 'key', 'expired_ts'], where);
    if (typeof entry.key_id !== 'string') throw bad(`${where}.key_id is missing`);
    const keyId = entry.key_id;
    try {
      checkKeyId(keyId);
    } catch {
      throw bad(`${where}.key_id is not an ed25519: key ID`);
    }
    strictBase64(entry.key, PUBLIC_KEY_LENGTH, `${where}.key`);
    const expiredTs = entry.expired_ts;
    if (typeof expiredTs !== 'number' || !Number.isSafeInteger(expiredTs) || expiredTs < 0) {
      throw bad(`${where}.expired_ts is not a time in milliseconds`);
    }
    return { keyId: keyId as KeyId, publicKey: entry.key as string, expiredTs };
  });
}

function parseProfile(value: JsonValue | undefined): IdentityRecord['profile'] {
  if (!isJsonObject(value)) throw bad('"profile" must be an object');
  onlyKeys(value, ['displayname', 'avatar_url'], '"profile"');
  const profile: IdentityRecord['profile'] = {};
  for (const [key, name] of [
    ['displayname', 'displayName'],
    ['avatar_url', 'avatarUrl'],
  ] as const) {
    const text = value[key];
    if (text === undefined) continue;
    if (typeof text !== 'string') throw bad(`"profile.${key}" is not text`);
    profile[name] = text;
  }
  return profile;
}

/** Unpadded standard base64 of exactly `length` bytes. */
function strictBase64(value: JsonValue | undefined, length: number, where: string): Uint8Array {
  const chars = Math.ceil((length * 4) / 3);
  if (typeof value !== 'string' || !new RegExp(`^[A-Za-z0-9+/]{${chars}}$`).test(value)) {
    throw bad(`${where} is not ${length} bytes of unpadded base64`);
  }
  const bytes = decodeBase64(value);
  if (bytes.length !== length) throw bad(`${where} is not ${length} bytes of unpadded base64`);
  return bytes;
}

function field(object: JsonObject, key: string): JsonObject {
  const value = object[key];
  if (!isJsonObject(value)) throw bad(`"${key}" is missing or not an object`);
  return value;
}

function onlyKeys(object: JsonObject, allowed: string[], where: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) throw bad(`${where} has an unknown field "${key}"`);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function bad(why: string): InvalidInputError {
  return new InvalidInputError(`This identity file cannot be used: ${why}`);
}
