/**
 * The relay's own libp2p key, kept in a file so its peer ID (which browsers
 * dial) stays the same across restarts. Written owner-only: it is a secret.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';

/** Reads the key at `path`, or makes one and saves it there. */
export async function loadOrCreateRelayKey(path: string): Promise<PrivateKey> {
  try {
    return privateKeyFromProtobuf(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`The relay key file ${path} could not be read: ${(error as Error).message}`);
    }
  }
  const key = await generateKeyPair('Ed25519');
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Write then rename, so a crash never leaves half a key that later fails to load.
  const partial = `${path}.${process.pid}.tmp`;
  await writeFile(partial, privateKeyToProtobuf(key), { mode: 0o600 });
  await rename(partial, path);
  return key;
}
