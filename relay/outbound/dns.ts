/**
 * The DNS the resolver needs, as an interface so tests can give a table of
 * records: address lookups (CNAME, AAAA, A, as the system resolver follows
 * them) and SRV records.
 */
import { promises as dns } from 'node:dns';

/** One SRV record. */
export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/** DNS lookups. */
export interface ResolverDns {
  /** The IP addresses of `hostname`; rejects when it has none. */
  lookup(hostname: string): Promise<string[]>;
  /** The SRV records at `name`; empty when there are none. */
  resolveSrv(name: string): Promise<SrvRecord[]>;
}

const noRecords = new Set(['ENOTFOUND', 'ENODATA', 'ESERVFAIL', 'ENONAME']);

/** The system resolver. */
export const systemDns: ResolverDns = {
  async lookup(hostname) {
    const answers = await dns.lookup(hostname, { all: true, verbatim: true });
    return answers.map((answer) => answer.address);
  },
  async resolveSrv(name) {
    try {
      return await dns.resolveSrv(name);
    } catch (error) {
      if (noRecords.has((error as { code?: string }).code ?? '')) return [];
      throw error;
    }
  },
};

/**
 * The record to use: lowest priority, then highest weight. The spec defers to
 * RFC 2782; a weighted random pick would spread load, but one relay sending a
 * few requests gains nothing from it, and a fixed pick keeps tests exact.
 * A lone record whose target is "." means "no service here".
 */
export function pickSrv(records: SrvRecord[]): SrvRecord | undefined {
  const usable = records.filter((record) => record.name !== '' && record.name !== '.');
  usable.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  return usable[0];
}
