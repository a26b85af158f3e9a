/**
 * A short fingerprint of a room's current state, so two nodes can be compared
 * at a glance: SHA-256 over the canonical JSON of the sorted list of
 * `[type, state_key, event_id]`, shown as the first characters of its unpadded
 * URL-safe base64. Equal state gives equal digests on every node; the order the
 * entries come in does not matter.
 */

import { encodeBase64 } from './base64.js';
import { canonicalJsonBytes, compareCodePoints } from './canonical-json.js';
import { sha256 } from './crypto/sha256.js';
import { InvalidInputError } from './errors.js';

/** One entry of the current state: `[type, state_key, event_id]`. */
export type StateTriple = readonly [type: string, stateKey: string, eventId: string];

/**
 * Characters of the digest shown: 12 base64 characters are 72 bits, far more
 * than enough to tell two diverged nodes apart by eye.
 */
export const STATE_DIGEST_LENGTH = 12;

/**
 * The digest of `entries`. Sorted by type, then state key, by Unicode code
 * point (the order canonical JSON uses for keys), so every node sorts alike.
 * Two entries for the same (type, state key) are not a state: InvalidInputError.
 */
export function stateDigestOf(entries: Iterable<StateTriple>): string {
  const sorted = [...entries].map((e) => [e[0], e[1], e[2]]);
  sorted.sort((a, b) => compareTriples(a, b));
  for (let i = 1; i < sorted.length; i++) {
    const [prev, next] = [sorted[i - 1], sorted[i]] as [string[], string[]];
    if (prev[0] === next[0] && prev[1] === next[1]) {
      throw new InvalidInputError(`State has two events for (${next[0]}, "${next[1]}")`);
    }
  }
  const hash = sha256(canonicalJsonBytes(sorted));
  return encodeBase64(hash, { urlSafe: true }).slice(0, STATE_DIGEST_LENGTH);
}

function compareTriples(a: string[], b: string[]): number {
  for (let i = 0; i < 3; i++) {
    const order = compareCodePoints(a[i] ?? '', b[i] ?? '');
    if (order !== 0) return order;
  }
  return 0;
}
