import { type CanonicalMembers, canonicalMembers, joinMembers } from './canonical-json.js';
import { utf8ByteLength } from './identifiers.js';
import type { JsonObject } from './json.js';

/**
 * One canonical JSON encoding of an event, shared by every check that needs a
 * form of it. A received PDU is measured (the 65,536-byte limit covers the
 * whole event), hashed without `unsigned`, `signatures` and `hashes` (the
 * content hash) and redacted then signed and hashed without `signatures` and
 * `unsigned` (signatures, reference hash): three canonical encodings that
 * differ only in which top-level members they hold and, for the redacted
 * form, in its `content`. Encoding each top-level member once and joining the
 * members each form keeps gives the same bytes as encoding each form whole.
 *
 * Values are shared, not copied: the event must not change while its
 * encoding is in use.
 */
export class EventEncoding {
  private constructor(
    /** The event this encodes. */
    readonly event: JsonObject,
    private readonly members: CanonicalMembers,
  ) {}

  /** Encodes `event` (a plain object). CanonicalJsonError as canonicalJson. */
  static of(event: JsonObject): EventEncoding {
    return new EventEncoding(event, canonicalMembers(event));
  }

  /** The length in UTF-8 bytes of the canonical JSON of the whole event. */
  byteLength(): number {
    const { json } = this.members;
    // Braces, plus a comma between members.
    let bytes = json.length === 0 ? 2 : json.length + 1;
    for (const member of json) bytes += utf8ByteLength(member);
    return bytes;
  }

  /** The canonical JSON of the event without the top-level keys in `omit`. */
  canonicalWithout(omit: ReadonlySet<string>): string {
    return joinMembers(this.members, omit);
  }

  /**
   * The canonical JSON of `derived` — an object built from this event, such
   * as its redacted form — without the top-level keys in `omit`. A member of
   * `derived` holding the very value this event holds under that key reuses
   * this encoding; the others are encoded. CanonicalJsonError as canonicalJson.
   */
  canonicalOf(derived: JsonObject, omit: ReadonlySet<string>): string {
    return joinMembers(canonicalMembers(derived, this.members), omit);
  }
}
