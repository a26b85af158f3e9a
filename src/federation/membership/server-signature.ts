/**
 * Whether one named server signed an event. verifyEvent checks the servers
 * the spec requires for any event (the sender's, a restricted join's
 * authoriser); an invite of a remote user must also carry the invitee
 * server's signature, which only the inviting server asks for.
 */
import { type KeyLookup, verifyEventSignature } from '../../core/event-signing.js';
import { isJsonObject } from '../../core/json.js';
import type { Pdu } from '../../core/pdu.js';
import type { RoomVersionRules } from '../../core/room-versions.js';

/** True when `pdu` has a valid ed25519 signature by `server` under a key `keyLookup` knows. */
export async function signedBy(
  pdu: Pdu,
  rules: RoomVersionRules,
  server: string,
  keyLookup: KeyLookup,
): Promise<boolean> {
  const entries = pdu.signatures?.[server];
  if (!isJsonObject(entries)) return false;
  for (const keyId of Object.keys(entries)) {
    if (!keyId.startsWith('ed25519:')) continue;
    const key = await keyLookup(server, keyId, pdu.origin_server_ts);
    if (key !== undefined && (await verifyEventSignature(pdu, rules, server, keyId, key))) {
      return true;
    }
  }
  return false;
}
