import { serverNameOf as domainOf } from '../identifiers.js';
import type { Pdu } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import { redactLevel, userPowerLevel } from './power-levels.js';

/**
 * Redactions. From room version 3 the authorization rules treat
 * `m.room.redaction` like any other event (events / events_default level);
 * whether the redaction is then *applied* is decided separately ("Handling
 * redactions"), by redactionMayApply.
 */

/** The event a redaction targets: top-level `redacts` before v11, `content.redacts` from v11. */
export function redactsOf(event: Pdu, rules: RoomVersionRules): string | undefined {
  const redacts = rules.redactsInContent ? event.content.redacts : event.redacts;
  return typeof redacts === 'string' && redacts.startsWith('$') && redacts.length > 1
    ? redacts
    : undefined;
}

/**
 * "Handling redactions" (v3+): a redaction is applied to `redacted` only when
 * both were sent by users of the same server, or the redaction's sender has at
 * least the redact level. `powerLevels` and `create` are the state at the
 * redaction.
 */
export function redactionMayApply(
  redaction: Pdu,
  redacted: Pdu,
  powerLevels: Pdu | undefined,
  create: Pdu | undefined,
  rules: RoomVersionRules,
): boolean {
  const ownServer = domainOf(redaction.sender);
  if (ownServer !== undefined && ownServer === domainOf(redacted.sender)) return true;
  return (
    userPowerLevel(redaction.sender, powerLevels, create, rules) >= redactLevel(powerLevels, rules)
  );
}
