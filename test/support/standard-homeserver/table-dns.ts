/**
 * DNS from a table, for tests: address records by name (a `*.` entry matches
 * any one-label-deeper name) and SRV records by their full name. Unknown names
 * fail like NXDOMAIN. Every query is recorded, so tests can see the order.
 */
import type { ResolverDns, SrvRecord } from '../../../relay/outbound/dns.js';

/** The records. */
export interface DnsTable {
  addresses?: Record<string, string[]>;
  srv?: Record<string, SrvRecord[]>;
}

/** A ResolverDns over `table`, with the queries it was asked. */
export function tableDns(table: DnsTable): ResolverDns & { queries: string[] } {
  const queries: string[] = [];
  const addressesOf = (name: string) => {
    const exact = table.addresses?.[name];
    if (exact) return exact;
    const dot = name.indexOf('.');
    return dot === -1 ? undefined : table.addresses?.[`*${name.slice(dot)}`];
  };
  return {
    queries,
    async lookup(hostname) {
      queries.push(`A ${hostname}`);
      const found = addressesOf(hostname);
      if (!found || found.length === 0)
        throw Object.assign(new Error(`NXDOMAIN ${hostname}`), { code: 'ENOTFOUND' });
      return found;
    },
    async resolveSrv(name) {
      queries.push(`SRV ${name}`);
      return table.srv?.[name] ?? [];
    },
  };
}
