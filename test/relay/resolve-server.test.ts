/**
 * Server-name resolution, step by step as the server-server API orders it,
 * over a table of DNS records and `.well-known` answers. The real HTTPS path
 * (well-known over TLS, then the delegated port) runs in gateway.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { SrvRecord } from '../../relay/outbound/dns.js';
import { pickSrv } from '../../relay/outbound/dns.js';
import {
  type ResolvedServer,
  ServerResolver,
  type WellKnownAnswer,
} from '../../relay/outbound/resolve-server.js';
import { tableDns } from '../support/standard-homeserver/table-dns.js';

const json = (value: unknown, headers: Record<string, string> = {}): WellKnownAnswer => ({
  status: 200,
  headers,
  body: new TextEncoder().encode(JSON.stringify(value)),
});

const srv = (name: string, port: number, priority = 10, weight = 5): SrvRecord => ({
  name,
  port,
  priority,
  weight,
});

const wellKnown: Record<string, WellKnownAnswer | 'error'> = {
  'wk-ip.test': json({ 'm.server': '5.6.7.8' }),
  'wk-ip-port.test': json({ 'm.server': '[2001:db8::2]:9443' }),
  'wk-port.test': json({ 'm.server': 'matrix.wk-port.test:443' }),
  'wk-srv.test': json({ 'm.server': 'fed.wk-srv.test' }),
  'wk-legacy.test': json({ 'm.server': 'old.wk-legacy.test' }),
  'wk-plain.test': json({ 'm.server': 'plain.wk-plain.test' }),
  'srv.test': { status: 404, headers: {}, body: new Uint8Array() },
  'legacy.test': 'error',
  'bad-json.test': { status: 200, headers: {}, body: new TextEncoder().encode('{"m.server": ') },
  'bad-name.test': json({ 'm.server': 'not a server name' }),
  'not-string.test': json({ 'm.server': 8448 }),
};

const dns = {
  srv: {
    '_matrix-fed._tcp.fed.wk-srv.test': [srv('target.wk-srv.test', 9000)],
    '_matrix._tcp.fed.wk-srv.test': [srv('legacy-target.test', 9999)],
    '_matrix._tcp.old.wk-legacy.test': [srv('old-target.test', 8500)],
    '_matrix-fed._tcp.srv.test': [
      srv('b.srv.test', 7001, 20),
      srv('a.srv.test', 7000, 10),
      srv('.', 1, 0),
    ],
    '_matrix._tcp.legacy.test': [srv('l.legacy.test', 6000)],
    '_matrix-fed._tcp.bad-json.test': [srv('fallback.bad-json.test', 5000)],
  },
};

function resolver(now = () => 0) {
  const fetched: string[] = [];
  const table = tableDns(dns);
  const resolve = new ServerResolver({
    dns: table,
    now,
    fetchWellKnown: async (hostname) => {
      fetched.push(hostname);
      const answer = wellKnown[hostname];
      if (answer === undefined || answer === 'error')
        throw new Error(`cannot connect to ${hostname}`);
      return answer;
    },
  });
  return { resolve, fetched, queries: table.queries };
}

const cases: [string, ResolvedServer][] = [
  [
    '1.2.3.4',
    { connectHost: '1.2.3.4', port: 8448, hostHeader: '1.2.3.4', tlsName: '1.2.3.4', step: '1' },
  ],
  [
    '1.2.3.4:80',
    { connectHost: '1.2.3.4', port: 80, hostHeader: '1.2.3.4:80', tlsName: '1.2.3.4', step: '1' },
  ],
  [
    '[2001:db8::1]:8449',
    {
      connectHost: '2001:db8::1',
      port: 8449,
      hostHeader: '[2001:db8::1]:8449',
      tlsName: '2001:db8::1',
      step: '1',
    },
  ],
  [
    'example.org:8449',
    {
      connectHost: 'example.org',
      port: 8449,
      hostHeader: 'example.org:8449',
      tlsName: 'example.org',
      step: '2',
    },
  ],
  [
    'wk-ip.test',
    { connectHost: '5.6.7.8', port: 8448, hostHeader: '5.6.7.8', tlsName: '5.6.7.8', step: '3.1' },
  ],
  [
    'wk-ip-port.test',
    {
      connectHost: '2001:db8::2',
      port: 9443,
      hostHeader: '[2001:db8::2]:9443',
      tlsName: '2001:db8::2',
      step: '3.1',
    },
  ],
  [
    'wk-port.test',
    {
      connectHost: 'matrix.wk-port.test',
      port: 443,
      hostHeader: 'matrix.wk-port.test:443',
      tlsName: 'matrix.wk-port.test',
      step: '3.2',
    },
  ],
  [
    'wk-srv.test',
    {
      connectHost: 'target.wk-srv.test',
      port: 9000,
      hostHeader: 'fed.wk-srv.test',
      tlsName: 'fed.wk-srv.test',
      step: '3.3',
    },
  ],
  [
    'wk-legacy.test',
    {
      connectHost: 'old-target.test',
      port: 8500,
      hostHeader: 'old.wk-legacy.test',
      tlsName: 'old.wk-legacy.test',
      step: '3.4',
    },
  ],
  [
    'wk-plain.test',
    {
      connectHost: 'plain.wk-plain.test',
      port: 8448,
      hostHeader: 'plain.wk-plain.test',
      tlsName: 'plain.wk-plain.test',
      step: '3.5',
    },
  ],
  [
    'srv.test',
    {
      connectHost: 'a.srv.test',
      port: 7000,
      hostHeader: 'srv.test',
      tlsName: 'srv.test',
      step: '4',
    },
  ],
  [
    'legacy.test',
    {
      connectHost: 'l.legacy.test',
      port: 6000,
      hostHeader: 'legacy.test',
      tlsName: 'legacy.test',
      step: '5',
    },
  ],
  [
    'bare.test',
    {
      connectHost: 'bare.test',
      port: 8448,
      hostHeader: 'bare.test',
      tlsName: 'bare.test',
      step: '6',
    },
  ],
  [
    'bad-json.test',
    {
      connectHost: 'fallback.bad-json.test',
      port: 5000,
      hostHeader: 'bad-json.test',
      tlsName: 'bad-json.test',
      step: '4',
    },
  ],
  [
    'bad-name.test',
    {
      connectHost: 'bad-name.test',
      port: 8448,
      hostHeader: 'bad-name.test',
      tlsName: 'bad-name.test',
      step: '6',
    },
  ],
  [
    'not-string.test',
    {
      connectHost: 'not-string.test',
      port: 8448,
      hostHeader: 'not-string.test',
      tlsName: 'not-string.test',
      step: '6',
    },
  ],
];

describe('ServerResolver', () => {
  it.each(cases)('%s', async (name, expected) => {
    const { resolve } = resolver();
    expect(await resolve.resolve(name)).toEqual(expected);
  });

  it('asks nothing of DNS or .well-known for IP literals and explicit ports', async () => {
    const { resolve, fetched, queries } = resolver();
    await resolve.resolve('1.2.3.4:80');
    await resolve.resolve('example.org:8449');
    expect(fetched).toEqual([]);
    expect(queries).toEqual([]);
  });

  it('asks _matrix-fed._tcp before the deprecated _matrix._tcp', async () => {
    const { resolve, queries } = resolver();
    await resolve.resolve('wk-legacy.test');
    expect(queries).toEqual([
      'SRV _matrix-fed._tcp.old.wk-legacy.test',
      'SRV _matrix._tcp.old.wk-legacy.test',
    ]);
  });

  it('refuses names that are not server names', async () => {
    const { resolve } = resolver();
    await expect(resolve.resolve('bad name')).rejects.toMatchObject({
      name: 'OutboundError',
      kind: 'refused',
    });
  });

  it('picks the lowest priority, then the highest weight, and skips "."', () => {
    expect(pickSrv([srv('b', 1, 10, 1), srv('a', 2, 10, 9), srv('c', 3, 20, 99)])?.name).toBe('a');
    expect(pickSrv([srv('.', 1, 0, 0)])).toBeUndefined();
  });
});
