import { base64nopad, base64urlnopad } from '@scure/base';
import { InvalidInputError } from './errors.js';

/** Options for encodeBase64. */
export interface Base64Options {
  /** Use the URL-safe alphabet (`-`, `_`), as event IDs of room versions 4+ do. */
  urlSafe?: boolean;
}

/** Unpadded base64 (appendices, "Unpadded Base64"), standard or URL-safe alphabet. */
export function encodeBase64(bytes: Uint8Array, options: Base64Options = {}): string {
  return options.urlSafe ? base64urlnopad.encode(bytes) : base64nopad.encode(bytes);
}

const base64Body = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/**
 * Decodes base64 in either alphabet, padded or not, as the spec asks of
 * decoders. Unused trailing bits are ignored rather than refused: the spec's own
 * test signing key (`…XA1`) has them set, and homeservers accept it. Text that is
 * not base64 raises an InvalidInputError.
 */
export function decodeBase64(text: string): Uint8Array {
  if (!base64Body.test(text)) throw new InvalidInputError('Invalid base64');
  let bare = text.replace(/=+$/, '');
  if (bare.length % 4 === 1) throw new InvalidInputError('Invalid base64 length');
  if (/[-_]/.test(bare)) {
    if (/[+/]/.test(bare)) throw new InvalidInputError('Invalid base64: mixed alphabets');
    bare = bare.replace(/-/g, '+').replace(/_/g, '/');
  }
  // atob is the platform's forgiving decoder (WHATWG): it ignores trailing bits.
  const binary = atob(bare);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
