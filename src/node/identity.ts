/**
 * The node's identity: one Ed25519 key pair whose public key names the server
 * (see server-name.ts), and the local user on it. Creating one is the only
 * place the node draws randomness for keys; tests inject `random`.
 */
import { encodeBase64 } from '../core/base64.js';
import { publicKeyFromSeed, SEED_LENGTH } from '../core/crypto/ed25519.js';
import { InvalidInputError } from '../core/errors.js';
import { isValidKeyId, isValidNewUserId, isValidServerName } from '../core/identifiers.js';
import type { KeyId, ServerName, UserId } from '../core/ids.js';
import type { IdentityRecord } from '../store/records.js';
import type { IdentityInfo } from './api.js';
import { DEFAULT_NODE_DOMAIN, serverNameFor } from './server-name.js';

/** Fills a fresh byte array with random bytes; `crypto.getRandomValues` unless a test injects one. */
export type RandomBytes = (length: number) => Uint8Array;

/** The platform's cryptographic randomness. */
export const cryptoRandomBytes: RandomBytes = (length) =>
  crypto.getRandomValues(new Uint8Array(length));

/** Options for createIdentity. */
export interface CreateIdentityOptions {
  /** The local user's localpart: lowercase letters, digits and `._=/+-`. */
  localpart: string;
  /** The relay domain the server name lives under; default `localhost`. */
  domain?: string;
  /** Randomness for the seed and key ID; default crypto.getRandomValues. */
  random?: RandomBytes;
}

/** Letters allowed in a key ID's version part (`ed25519:[A-Za-z0-9_]+`). */
const keyIdAlphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A fresh identity: new seed, `ed25519:<6 random letters>`, server name from the public key. */
export function createIdentity(options: CreateIdentityOptions): IdentityRecord {
  const random = options.random ?? cryptoRandomBytes;
  const seed = random(SEED_LENGTH);
  if (seed.length !== SEED_LENGTH) throw new InvalidInputError('random() returned too few bytes');
  const serverName = serverNameFor(publicKeyFromSeed(seed), options.domain ?? DEFAULT_NODE_DOMAIN);
  if (!isValidServerName(serverName)) {
    throw new InvalidInputError(`"${options.domain}" is not a usable domain for a server name`);
  }
  checkLocalpart(options.localpart, serverName);
  // Modulo bias is irrelevant here: the key ID only has to differ between rotations.
  const suffix = Array.from(random(6), (b) => keyIdAlphabet[b % keyIdAlphabet.length]).join('');
  return {
    serverName: serverName as ServerName,
    localpart: options.localpart,
    signingKey: { keyId: `ed25519:${suffix}` as KeyId, seed },
    oldKeys: [],
    profile: {},
  };
}

/** Throws InvalidInputError, in words, unless `@localpart:serverName` is a valid new user ID. */
export function checkLocalpart(
  localpart: unknown,
  serverName: string,
): asserts localpart is string {
  if (typeof localpart !== 'string' || localpart.length === 0) {
    throw new InvalidInputError('A user name is needed');
  }
  if (!isValidNewUserId(`@${localpart}:${serverName}`)) {
    throw new InvalidInputError(
      `"${localpart}" cannot be a user name: use lowercase letters, digits and . _ = / + - only`,
    );
  }
}

/** Throws InvalidInputError unless `keyId` is an `ed25519:` key ID. */
export function checkKeyId(keyId: unknown): asserts keyId is KeyId {
  if (!isValidKeyId(keyId)) {
    throw new InvalidInputError(`"${String(keyId)}" is not a signing key ID (ed25519:...)`);
  }
}

/** The local user's ID. Records from before the node layer have no localpart: they get `user`. */
export function userIdOf(identity: IdentityRecord): UserId {
  return `@${identity.localpart ?? 'user'}:${identity.serverName}` as UserId;
}

/** The API view of an identity: no secret key in it. */
export function identityInfo(identity: IdentityRecord): IdentityInfo {
  const info: IdentityInfo = {
    serverName: identity.serverName,
    userId: userIdOf(identity),
    keyId: identity.signingKey.keyId,
    publicKey: encodeBase64(publicKeyFromSeed(identity.signingKey.seed)),
  };
  if (identity.profile.displayName !== undefined) info.displayName = identity.profile.displayName;
  if (identity.profile.avatarUrl !== undefined) info.avatarUrl = identity.profile.avatarUrl;
  return info;
}
