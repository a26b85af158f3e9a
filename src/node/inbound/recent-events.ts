/**
 * Events this node stored lately, recognised from a raw PDU's signatures
 * without hashing it. The same event often arrives twice — fetched by a walk
 * from one server, then delivered by the server that sent it — and checks 1–3
 * (canonical JSON, two SHA-256s, an Ed25519 verify) are the costly part of
 * receiving. Why a signature is enough: an event's signatures cover its
 * redacted form, whose reference hash IS the event ID (v3+), and Ed25519 is
 * strongly unforgeable under strict verification, so an identical signature
 * by the same key over different signed bytes cannot be made. A copy whose
 * unsigned content differs has the same event ID too (check 3 would keep its
 * redacted form): a duplicate either way.
 */
import type { EventId } from '../../core/ids.js';
import { isJsonObject } from '../../core/json.js';
import type { Pdu } from '../../core/pdu.js';

/** How many signatures are remembered (oldest forgotten first). */
const CAPACITY = 50_000;

/** A bounded memory of stored events by signature. */
export class RecentEvents {
  private readonly bySignature = new Map<string, { eventId: EventId; roomId: string }>();

  /** Remembers a stored event whose signatures were verified. */
  remember(eventId: EventId, pdu: Pdu): void {
    for (const key of signatureKeys(pdu)) {
      this.bySignature.delete(key);
      this.bySignature.set(key, { eventId, roomId: pdu.room_id ?? '' });
      if (this.bySignature.size > CAPACITY) {
        this.bySignature.delete(this.bySignature.keys().next().value as string);
      }
    }
  }

  /** The stored event `raw` is a copy of, if remembered. */
  match(raw: unknown): EventId | undefined {
    if (!isJsonObject(raw)) return undefined;
    for (const key of signatureKeys(raw)) {
      const known = this.bySignature.get(key);
      if (known !== undefined && known.roomId === raw.room_id) return known.eventId;
    }
    return undefined;
  }
}

/** `server keyId signature` for every signature of `event`. */
function signatureKeys(event: { signatures?: unknown }): string[] {
  const keys: string[] = [];
  if (!isJsonObject(event.signatures)) return keys;
  for (const [server, byKey] of Object.entries(event.signatures)) {
    if (!isJsonObject(byKey)) continue;
    for (const [keyId, sig] of Object.entries(byKey)) {
      if (typeof sig === 'string') keys.push(`${server} ${keyId} ${sig}`);
    }
  }
  return keys;
}
