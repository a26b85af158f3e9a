/**
 * Server ACLs (`m.room.server_acl`, client-server API "Server Access Control
 * Lists (ACLs) for rooms"). Pure: the caller reads the room's current ACL
 * content (undefined when the room has none) and asks about one server.
 *
 * The spec's order, applied to the server name without its port:
 * 1. no `m.room.server_acl` event in the state → allow;
 * 2. an IP literal (v4, or v6 in brackets) and `allow_ip_literals` is `false` → deny;
 * 3. matches an entry of `deny` → deny;
 * 4. matches an entry of `allow` → allow;
 * 5. otherwise deny.
 *
 * Entries are glob patterns (appendices, "Glob-style matching"): `*` matches
 * zero or more characters, `?` exactly one; nothing else is special. The spec
 * names no case rule for ACL globs; host names are case-insensitive in DNS, so
 * `EVIL.com` reaches the same host as `evil.com`: we match ASCII
 * case-insensitively (as Synapse does), which only ever widens a deny entry
 * to spellings of the same host.
 */

/** An ACL with the spec's defaults applied. */
export interface ServerAcl {
  /** Defaults to true when missing or not a boolean. */
  allowIpLiterals: boolean;
  /** Defaults to [] (deny everyone) when missing or not an array; non-strings are skipped. */
  allow: string[];
  /** Defaults to []; non-strings are skipped. */
  deny: string[];
}

/** Reads `content` of an `m.room.server_acl` event leniently, as the spec's defaults say. */
export function parseServerAcl(content: unknown): ServerAcl {
  const object =
    typeof content === 'object' && content !== null && !Array.isArray(content)
      ? (content as Record<string, unknown>)
      : {};
  const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
  return {
    allowIpLiterals:
      typeof object.allow_ip_literals === 'boolean' ? object.allow_ip_literals : true,
    allow: strings(object.allow),
    deny: strings(object.deny),
  };
}

/**
 * Whether `serverName` may take part in a room whose current ACL content is
 * `content` (undefined: the room has no ACL event, rule 1).
 */
export function serverAclAllows(content: unknown, serverName: string): boolean {
  if (content === undefined) return true; // 1. no ACL event
  const acl = parseServerAcl(content);
  const host = hostOf(serverName);
  if (!acl.allowIpLiterals && isIpLiteral(host)) return false; // 2.
  if (acl.deny.some((pattern) => globMatches(pattern, host))) return false; // 3.
  return acl.allow.some((pattern) => globMatches(pattern, host)); // 4. and 5.
}

/** The host part of a server name: the port (`:1234` after the host) is not considered. */
export function hostOf(serverName: string): string {
  if (serverName.startsWith('[')) {
    const end = serverName.indexOf(']');
    return end === -1 ? serverName : serverName.slice(0, end + 1);
  }
  const colon = serverName.indexOf(':');
  // More than one colon without brackets is no valid server name: leave it whole.
  if (colon === -1 || serverName.indexOf(':', colon + 1) !== -1) return serverName;
  return serverName.slice(0, colon);
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** An IPv4 dotted quad (each part 0–255) or a bracketed IPv6 literal. */
export function isIpLiteral(host: string): boolean {
  if (host.startsWith('[') && host.endsWith(']'))
    return /^[0-9A-Fa-f:.]{2,45}$/.test(host.slice(1, -1));
  const parts = IPV4.exec(host);
  if (parts === null) return false;
  return parts.slice(1).every((part) => Number(part) <= 255);
}

/**
 * Glob match over the whole of `text`, ASCII case-insensitive. Iterative with
 * one backtrack point (the last `*`), so a pattern of many stars costs at most
 * O(pattern × text), never exponential time.
 */
export function globMatches(pattern: string, text: string): boolean {
  const p = [...asciiLower(pattern)];
  const t = [...asciiLower(text)];
  let pi = 0;
  let ti = 0;
  let starAt = -1;
  let starText = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === t[ti]))) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      starAt = pi++;
      starText = ti;
    } else if (starAt !== -1) {
      pi = starAt + 1;
      ti = ++starText;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

function asciiLower(value: string): string {
  return value.replace(/[A-Z]/g, (c) => c.toLowerCase());
}
