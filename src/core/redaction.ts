import type { JsonObject, JsonValue } from './json.js';
import { isJsonObject } from './json.js';
import type { Pdu, UnsignedPdu } from './pdu.js';
import { type RoomVersionId, type RoomVersionRules, roomVersionRules } from './room-versions.js';

/**
 * The redaction algorithm (client-server API, "Redactions", as each room
 * version's page defines it). Two algorithms are in use by the versions this
 * node implements:
 *
 * - room version 10 keeps the algorithm of versions 1–10: top-level `origin`,
 *   `membership` and `prev_state` survive, the create event keeps only
 *   `creator`, join rules keep `join_rule` and `allow` (v8), members keep
 *   `membership` and `join_authorised_via_users_server` (v9), and
 *   `m.room.aliases` is no longer special (v6);
 * - room versions 11 and 12 use the v11 algorithm: `origin`, `membership` and
 *   `prev_state` go, the create event keeps its whole content, power levels
 *   also keep `invite`, redactions keep `content.redacts`, members also keep
 *   `third_party_invite.signed`.
 *
 * The result always has a `content` object, empty when nothing survives, even
 * when the input had no `content` at all: the redacted form is what gets
 * signed and hashed, and other servers add `"content": {}` too (see the
 * gomatrixserverlib conformance data, `important_finding`). `unsigned` never
 * survives. Signatures are kept, so a redacted event can still be verified.
 */

/** A room version, by its identifier or its rules. */
export type RoomVersionLike = RoomVersionId | RoomVersionRules;

/** The rules for a RoomVersionLike (UnsupportedRoomVersionError for unknown identifiers). */
export function rulesFor(roomVersion: RoomVersionLike): RoomVersionRules {
  return typeof roomVersion === 'string' ? roomVersionRules(roomVersion) : roomVersion;
}

const topLevelV10: ReadonlySet<string> = new Set([
  'event_id',
  'type',
  'room_id',
  'sender',
  'state_key',
  'content',
  'hashes',
  'signatures',
  'depth',
  'prev_events',
  'prev_state',
  'auth_events',
  'origin',
  'origin_server_ts',
  'membership',
]);

// v11 (MSC2176) stops keeping `prev_state`, `origin` and `membership` at the top level.
const topLevelV11: ReadonlySet<string> = new Set(
  [...topLevelV10].filter((key) => !['prev_state', 'origin', 'membership'].includes(key)),
);

/** Content keys kept per event type. `true` means the whole content is kept. */
type ContentRules = Readonly<Record<string, readonly string[] | true>>;

const powerLevelsV10 = [
  'ban',
  'events',
  'events_default',
  'kick',
  'redact',
  'state_default',
  'users',
  'users_default',
] as const;

const contentV10: ContentRules = {
  'm.room.member': ['membership', 'join_authorised_via_users_server'],
  'm.room.create': ['creator'],
  'm.room.join_rules': ['join_rule', 'allow'],
  'm.room.power_levels': powerLevelsV10,
  'm.room.history_visibility': ['history_visibility'],
};

// v11 (MSC2176, MSC3821): the whole create content, `invite` in power levels,
// `redacts` in a redaction's content.
const contentV11: ContentRules = {
  ...contentV10,
  'm.room.create': true,
  'm.room.power_levels': [...powerLevelsV10, 'invite'],
  'm.room.redaction': ['redacts'],
};

/**
 * Returns the redacted form of `event` under the rules of `roomVersion`. The
 * input is not modified. Values that survive are shared with the input, not
 * copied; treat both as immutable.
 */
export function redact(event: Pdu, roomVersion: RoomVersionLike): Pdu;
export function redact(event: UnsignedPdu, roomVersion: RoomVersionLike): UnsignedPdu;
export function redact(event: JsonObject, roomVersion: RoomVersionLike): JsonObject;
export function redact(
  event: Pdu | UnsignedPdu | JsonObject,
  roomVersion: RoomVersionLike,
): Pdu | UnsignedPdu | JsonObject {
  const rules = rulesFor(roomVersion);
  const keep = rules.redactionV11 ? topLevelV11 : topLevelV10;
  const entries: [string, JsonValue][] = [];
  for (const key of Object.keys(event)) {
    if (key === 'content' || !keep.has(key)) continue;
    const value = (event as Record<string, JsonValue | undefined>)[key];
    if (value !== undefined) entries.push([key, value]);
  }
  const type = (event as { type?: unknown }).type;
  const content = (event as { content?: unknown }).content;
  entries.push([
    'content',
    redactContent(typeof type === 'string' ? type : undefined, content, rules),
  ]);
  // Object.fromEntries defines own properties, so a key such as `__proto__`
  // can never reach a prototype.
  return Object.fromEntries(entries) as JsonObject;
}

/** The content a redacted event of `type` keeps. Always a fresh object. */
export function redactContent(
  type: string | undefined,
  content: unknown,
  roomVersion: RoomVersionLike,
): JsonObject {
  if (!isJsonObject(content) || type === undefined) return {};
  const rules = rulesFor(roomVersion);
  const table = rules.redactionV11 ? contentV11 : contentV10;
  const allowed = Object.hasOwn(table, type) ? table[type] : undefined;
  if (allowed === undefined) return {};
  if (allowed === true) return Object.fromEntries(Object.entries(content));
  const entries: [string, JsonValue][] = [];
  for (const key of allowed) {
    if (!Object.hasOwn(content, key)) continue;
    const value = content[key];
    if (value !== undefined) entries.push([key, value]);
  }
  // v11: a member event also keeps the `signed` part of a third-party invite.
  if (rules.redactionV11 && type === 'm.room.member') {
    const invite = Object.hasOwn(content, 'third_party_invite')
      ? content.third_party_invite
      : undefined;
    if (isJsonObject(invite) && Object.hasOwn(invite, 'signed') && invite.signed !== undefined) {
      entries.push(['third_party_invite', { signed: invite.signed }]);
    }
  }
  return Object.fromEntries(entries) as JsonObject;
}
