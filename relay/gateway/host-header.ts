/**
 * Which server a gateway request is for, from its Host header. Remote servers
 * set Host to the server name, or to the delegated `<hostname>:<port>` after a
 * `.well-known` lookup (server-server API, "Resolving server names"). Browser
 * node names never carry a port, so the port is dropped before the lookup.
 */
import { isValidServerName } from '../../src/core/identifiers.js';

/** A Host header split per the server-name grammar. */
export interface HostParts {
  /** Lower case: DNS names compare case-insensitively. */
  hostname: string;
  port?: number;
}

/** The parts of a Host header, or undefined when it is not a server name. */
export function parseHost(header: string | undefined): HostParts | undefined {
  if (header === undefined || !isValidServerName(header)) return undefined;
  const match = /^(.*?)(?::([0-9]{1,5}))?$/.exec(header);
  const hostname = match?.[1];
  if (hostname === undefined || hostname === '') return undefined;
  const portText = match?.[2];
  if (portText === undefined) return { hostname: hostname.toLowerCase() };
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  return { hostname: hostname.toLowerCase(), port };
}
