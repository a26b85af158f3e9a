/**
 * The identifier checks the authorization rules need. The rules compare user
 * IDs and server names as strings; these helpers only decide whether a string
 * is a user ID at all (appendices, "User Identifiers", with the historical
 * localpart grammar, since federation must accept old IDs) and which server
 * it belongs to.
 */

/** Longest user ID the grammar allows, in bytes (ASCII only, so also in characters). */
const MAX_USER_ID_LENGTH = 255;

// Historical localparts: any printable ASCII except ':' (U+0021–U+0039, U+003B–U+007E).
const historicalLocalpart = /^[\x21-\x39\x3b-\x7e]+$/;
// Server names: a DNS name or IPv4 address, or a bracketed IPv6 literal; optional port.
const serverName = /^(?:[A-Za-z0-9.-]{1,255}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;

/** True when `value` is a syntactically valid (possibly historical) user ID. */
export function isValidUserId(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > MAX_USER_ID_LENGTH) return false;
  if (!value.startsWith('@')) return false;
  const colon = value.indexOf(':');
  if (colon < 2) return false;
  return (
    historicalLocalpart.test(value.slice(1, colon)) && isValidServerName(value.slice(colon + 1))
  );
}

/** True when `value` is a server name (hostname, IPv4 or [IPv6], optional port). */
export function isValidServerName(value: string): boolean {
  return serverName.test(value);
}

/**
 * The server part of a sigilled identifier (`@user:server`, `!room:server`,
 * `$event:server`): everything after the first colon, since localparts cannot
 * hold one while server names can (port, IPv6). Undefined when there is none.
 */
export function domainOf(id: string): string | undefined {
  const colon = id.indexOf(':');
  return colon < 0 ? undefined : id.slice(colon + 1);
}
