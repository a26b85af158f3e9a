import { decodeBase64 } from '../base64.js';
import { ed25519VerifyNoble } from '../crypto/ed25519.js';
import { isJsonObject, type JsonObject } from '../json.js';
import { signedBytes } from '../signing.js';

/**
 * Rule 5.4.1.7: an invite that redeems a third-party invite is allowed when
 * any signature in `third_party_invite.signed` verifies against any public key
 * of the matching `m.room.third_party_invite` event (`public_key`, and each
 * `public_keys[].public_key`). The signing server and key ID of the signature
 * do not matter: the identity server's key is known from the invite event.
 * Verification is synchronous (pure-JS Ed25519) because checkAuth is.
 */
export function thirdPartySignatureMatches(signed: JsonObject, inviteContent: JsonObject): boolean {
  const keys = publicKeys(inviteContent);
  if (keys.length === 0) return false;
  const signatures = signed.signatures;
  if (!isJsonObject(signatures)) return false;
  let message: Uint8Array;
  try {
    message = signedBytes(signed);
  } catch {
    return false; // not representable as canonical JSON (floats...)
  }
  for (const byKeyId of Object.values(signatures)) {
    if (!isJsonObject(byKeyId)) continue;
    for (const [keyId, signature] of Object.entries(byKeyId)) {
      if (!keyId.startsWith('ed25519:') || typeof signature !== 'string') continue;
      const sig = decode(signature);
      if (sig === undefined) continue;
      for (const key of keys) if (ed25519VerifyNoble(sig, message, key)) return true;
    }
  }
  return false;
}

/** The decodable public keys of an `m.room.third_party_invite` content. */
function publicKeys(content: JsonObject): Uint8Array[] {
  const encoded: string[] = [];
  if (typeof content.public_key === 'string') encoded.push(content.public_key);
  if (Array.isArray(content.public_keys)) {
    for (const entry of content.public_keys) {
      if (isJsonObject(entry) && typeof entry.public_key === 'string') {
        encoded.push(entry.public_key);
      }
    }
  }
  const keys: Uint8Array[] = [];
  for (const text of encoded) {
    const key = decode(text);
    if (key !== undefined && key.length === 32) keys.push(key);
  }
  return keys;
}

function decode(text: string): Uint8Array | undefined {
  try {
    return decodeBase64(text);
  } catch {
    return undefined;
  }
}
