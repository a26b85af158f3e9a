import * as noble from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { InvalidInputError } from '../errors.js';

/**
 * Ed25519 signing and verification. WebCrypto is used where the runtime has
 * Ed25519 (Chromium, Node ≥ 20): it verifies 10–20× faster than pure JS. The
 * pure-JS @noble/ed25519 is the fallback, so these functions are async.
 */

noble.hashes.sha512 = sha512;

/** Length of an Ed25519 seed (private key), public key and signature in bytes. */
export const SEED_LENGTH = 32;
export const PUBLIC_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): the fixed DER prefix.
const pkcs8Prefix = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

const subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle;
let webCryptoUsable: Promise<boolean> | undefined;
/** The probe's answer once it has come: lets a verification start without awaiting it. */
let webCryptoKnown: boolean | undefined;

/** Whether this runtime's WebCrypto implements Ed25519 (probed once). */
export function hasWebCryptoEd25519(): Promise<boolean> {
  webCryptoUsable ??= probeWebCrypto().then((usable) => {
    webCryptoKnown = usable;
    return usable;
  });
  return webCryptoUsable;
}

async function probeWebCrypto(): Promise<boolean> {
  if (!subtle) return false;
  try {
    await subtle.importKey('raw', new Uint8Array(32).fill(1), { name: 'Ed25519' }, false, [
      'verify',
    ]);
    return true;
  } catch {
    return false;
  }
}

/** An imported key: the import under way, then the key itself once it is done. */
interface CachedKey {
  promise: Promise<CryptoKey>;
  key?: CryptoKey;
}

// Importing a key costs about as much as a verification, so keys are kept. The
// caches are bounded: a flood of unknown keys must not grow memory forever.
const MAX_CACHED_KEYS = 1024;
const verifyKeys = new Map<string, CachedKey>();
const signKeys = new Map<string, CachedKey>();

function cached(
  cache: Map<string, CachedKey>,
  id: string,
  make: () => Promise<CryptoKey>,
): CachedKey {
  let entry = cache.get(id);
  if (!entry) {
    if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value as string);
    const made: CachedKey = { promise: make() };
    made.promise.then(
      (key) => {
        made.key = key;
      },
      () => {
        if (cache.get(id) === made) cache.delete(id);
      },
    );
    cache.set(id, made);
    entry = made;
  }
  return entry;
}

const hexDigits = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += hexDigits[b];
  return out;
}

function checkLength(bytes: Uint8Array, length: number, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new InvalidInputError(`${what} must be ${length} bytes`);
  }
}

/** The public key for a 32-byte seed. */
export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  checkLength(seed, SEED_LENGTH, 'An Ed25519 seed');
  return noble.getPublicKey(seed);
}

/** Signs `message` with the key derived from `seed`. */
export async function ed25519Sign(message: Uint8Array, seed: Uint8Array): Promise<Uint8Array> {
  checkLength(seed, SEED_LENGTH, 'An Ed25519 seed');
  if (!(await hasWebCryptoEd25519()) || !subtle) return noble.sign(message, seed);
  const { promise } = cached(signKeys, hex(seed), () => {
    const pkcs8 = new Uint8Array(pkcs8Prefix.length + SEED_LENGTH);
    pkcs8.set(pkcs8Prefix);
    pkcs8.set(seed, pkcs8Prefix.length);
    return subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
  });
  const key = await promise;
  return new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key, message as BufferSource));
}

/**
 * Verifies an Ed25519 signature. Malformed keys or signatures verify as false
 * rather than throwing: to a caller they are all "not signed by this key".
 * Once WebCrypto is known to work and the key is imported, the verification
 * is handed to WebCrypto before this returns (no await first), so a caller
 * starting many verifications in a loop has them all running while it goes on.
 */
export async function ed25519Verify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): Promise<boolean> {
  if (signature.length !== SIGNATURE_LENGTH || publicKey.length !== PUBLIC_KEY_LENGTH) return false;
  try {
    const usable = webCryptoKnown ?? (await hasWebCryptoEd25519());
    if (!usable || !subtle) return noble.verify(signature, message, publicKey);
    const entry = cached(verifyKeys, hex(publicKey), () =>
      subtle.importKey('raw', publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify']),
    );
    const key = entry.key ?? (await entry.promise);
    return await subtle.verify(
      { name: 'Ed25519' },
      key,
      signature as BufferSource,
      message as BufferSource,
    );
  } catch {
    return false;
  }
}

/** Pure-JS verification, for benchmarks against WebCrypto and for runtimes without it. */
export function ed25519VerifyNoble(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  try {
    return noble.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

/** Pure-JS signing, for benchmarks against WebCrypto. */
export function ed25519SignNoble(message: Uint8Array, seed: Uint8Array): Uint8Array {
  checkLength(seed, SEED_LENGTH, 'An Ed25519 seed');
  return noble.sign(message, seed);
}
