import { base32nopad } from '@scure/base';
import { PUBLIC_KEY_LENGTH } from '../core/crypto/ed25519.js';
import { InvalidInputError } from '../core/errors.js';

/**
 * A browser node's server name is its identity public key, in lowercase
 * unpadded base32 (52 characters: one DNS label), under the relay's domain.
 * It needs no registration and maps to the libp2p peer ID with no lookup,
 * because the peer ID embeds the same key.
 */

/** The domain browser nodes live under when no relay domain is configured. */
export const DEFAULT_NODE_DOMAIN = 'localhost';

/** `<base32(publicKey)>.<domain>` */
export function serverNameFor(publicKey: Uint8Array, domain = DEFAULT_NODE_DOMAIN): string {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw new InvalidInputError(`An identity key has ${PUBLIC_KEY_LENGTH} bytes`);
  }
  return `${base32nopad.encode(publicKey).toLowerCase()}.${domain}`;
}

/**
 * The identity public key a node server name carries, or undefined when the
 * name is not one (an ordinary homeserver's name, say).
 */
export function publicKeyOfServerName(serverName: string): Uint8Array | undefined {
  const dot = serverName.indexOf('.');
  const label = dot === -1 ? serverName : serverName.slice(0, dot);
  if (!/^[a-z2-7]{52}$/.test(label)) return undefined;
  try {
    const key = base32nopad.decode(label.toUpperCase());
    return key.length === PUBLIC_KEY_LENGTH ? key : undefined;
  } catch {
    return undefined;
  }
}
