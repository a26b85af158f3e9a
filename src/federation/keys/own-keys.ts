/**
 * Our own keys, straight from the identity: the published key document and
 * the public keys the key ring answers for us without any lookup.
 */
import { decodeBase64 } from '../../core/base64.js';
import { publicKeyFromSeed } from '../../core/crypto/ed25519.js';
import { buildServerKeys, type ServerKeysDoc } from '../../core/server-keys.js';
import type { IdentityRecord } from '../../store/records.js';

/**
 * How long our published key list is valid: one day. Long enough that others
 * do not refetch often (the spec asks for at least an hour), short enough that
 * a rotation spreads within a day. Receivers cap it at 7 days anyway.
 */
export const OWN_KEYS_VALIDITY_MS = 24 * 60 * 60 * 1000;

/** Our `/_matrix/key/v2/server` document, self-signed, valid until `now + validityMs`. */
export function ownServerKeys(
  identity: IdentityRecord,
  now: number,
  validityMs = OWN_KEYS_VALIDITY_MS,
): Promise<ServerKeysDoc> {
  return buildServerKeys({
    serverName: identity.serverName,
    keys: [identity.signingKey],
    oldVerifyKeys: identity.oldKeys.map((old) => ({
      keyId: old.keyId,
      key: old.publicKey,
      expiredTs: old.expiredTs,
    })),
    validUntilTs: now + validityMs,
  });
}

// Deriving a public key costs a scalar multiplication; the seed rarely changes.
let memo: { seed: Uint8Array; publicKey: Uint8Array } | undefined;

function currentPublicKey(identity: IdentityRecord): Uint8Array {
  if (memo?.seed !== identity.signingKey.seed) {
    memo = {
      seed: identity.signingKey.seed,
      publicKey: publicKeyFromSeed(identity.signingKey.seed),
    };
  }
  return memo.publicKey;
}

/**
 * One of our keys. `eventTs` undefined asks for a key valid for requests
 * (the current key only); a timestamp also allows an old key that had not
 * expired by then.
 */
export function ownKey(
  identity: IdentityRecord,
  keyId: string,
  eventTs?: number,
): Uint8Array | undefined {
  if (keyId === identity.signingKey.keyId) return currentPublicKey(identity);
  if (eventTs === undefined) return undefined;
  const old = identity.oldKeys.find((k) => k.keyId === keyId);
  return old !== undefined && eventTs <= old.expiredTs ? decodeBase64(old.publicKey) : undefined;
}
