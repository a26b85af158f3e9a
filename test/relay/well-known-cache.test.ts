/**
 * How long `.well-known` answers are kept: their cache headers, 24 h without
 * any, 48 h at most, failures for an hour.
 */
import { describe, expect, it } from 'vitest';
import { ServerResolver, type WellKnownAnswer } from '../../relay/outbound/resolve-server.js';
import {
  DEFAULT_TTL_MS,
  ERROR_TTL_MS,
  MAX_TTL_MS,
  wellKnownTtl,
} from '../../relay/outbound/well-known-cache.js';
import { tableDns } from '../support/standard-homeserver/table-dns.js';

const HOUR = 3600_000;

describe('wellKnownTtl', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    [{}, DEFAULT_TTL_MS],
    [{ 'cache-control': 'max-age=600' }, 600_000],
    [{ 'cache-control': 'public, max-age=999999999' }, MAX_TTL_MS],
    [{ 'cache-control': 'no-store' }, 0],
    [{ 'cache-control': 'private, no-cache' }, 0],
    [{ expires: 'Thu, 01 Jan 2026 02:00:00 GMT' }, 2 * HOUR],
    [{ expires: 'Wed, 31 Dec 2025 23:00:00 GMT' }, 0],
    [{ 'cache-control': 'max-age=60', expires: 'Thu, 01 Jan 2026 02:00:00 GMT' }, 60_000],
  ] as [Record<string, string>, number][])('%j → %d ms', (headers, ttl) => {
    expect(wellKnownTtl(headers, now)).toBe(ttl);
  });
});

describe('the resolver cache', () => {
  function setup(answer: () => WellKnownAnswer | Error) {
    let clock = 0;
    let fetches = 0;
    const resolver = new ServerResolver({
      dns: tableDns({}),
      now: () => clock,
      fetchWellKnown: async () => {
        fetches++;
        const value = answer();
        if (value instanceof Error) throw value;
        return value;
      },
    });
    return {
      resolver,
      fetches: () => fetches,
      advance: (ms: number) => {
        clock += ms;
      },
    };
  }
  const delegation = (headers: Record<string, string>): WellKnownAnswer => ({
    status: 200,
    headers,
    body: new TextEncoder().encode('{"m.server":"m.example.org:443"}'),
  });

  it('keeps an answer for its max-age, then fetches again', async () => {
    const t = setup(() => delegation({ 'cache-control': 'max-age=60' }));
    await t.resolver.resolve('example.org');
    t.advance(59_000);
    expect((await t.resolver.resolve('example.org')).step).toBe('3.2');
    expect(t.fetches()).toBe(1);
    t.advance(2_000);
    await t.resolver.resolve('example.org');
    expect(t.fetches()).toBe(2);
  });

  it('keeps an answer without cache headers for 24 hours', async () => {
    const t = setup(() => delegation({}));
    await t.resolver.resolve('example.org');
    t.advance(DEFAULT_TTL_MS - 1);
    await t.resolver.resolve('example.org');
    expect(t.fetches()).toBe(1);
    t.advance(1);
    await t.resolver.resolve('example.org');
    expect(t.fetches()).toBe(2);
  });

  it('keeps a failure for an hour', async () => {
    const t = setup(() => new Error('connection refused'));
    expect((await t.resolver.resolve('example.org')).step).toBe('6');
    t.advance(ERROR_TTL_MS - 1);
    await t.resolver.resolve('example.org');
    expect(t.fetches()).toBe(1);
    t.advance(1);
    await t.resolver.resolve('example.org');
    expect(t.fetches()).toBe(2);
  });
});
