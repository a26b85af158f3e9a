import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

/**
 * SHA-256, synchronous. Event hashing runs on small inputs where WebCrypto's
 * async round trip costs more than the hash, and keeping it synchronous keeps
 * contentHash, referenceHash and eventIdFor pure functions.
 */
export function sha256(bytes: Uint8Array): Uint8Array {
  return nobleSha256(bytes);
}
