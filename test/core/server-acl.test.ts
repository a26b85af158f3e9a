import { describe, expect, it } from 'vitest';
import {
  globMatches,
  hostOf,
  isIpLiteral,
  parseServerAcl,
  serverAclAllows,
} from '../../src/core/server-acl.js';

// The spec's example ACL: everyone but evil.com and its subdomains, no IP literals.
const SPEC_EXAMPLE = { allow: ['*'], allow_ip_literals: false, deny: ['*.evil.com', 'evil.com'] };

describe('serverAclAllows', () => {
  const cases: [name: string, content: unknown, server: string, allowed: boolean][] = [
    ['no ACL event: allow (rule 1)', undefined, 'anyone.org', true],
    ['spec example: ordinary server', SPEC_EXAMPLE, 'matrix.org', true],
    ['spec example: denied host', SPEC_EXAMPLE, 'evil.com', false],
    ['spec example: port ignored (8448)', SPEC_EXAMPLE, 'evil.com:8448', false],
    ['spec example: port ignored (1234)', SPEC_EXAMPLE, 'evil.com:1234', false],
    ['spec example: subdomain', SPEC_EXAMPLE, 'sub.evil.com', false],
    ['spec example: look-alike is not a subdomain', SPEC_EXAMPLE, 'notevil.com', true],
    ['spec example: IPv4 literal', SPEC_EXAMPLE, '1.2.3.4', false],
    ['spec example: IPv4 literal with port', SPEC_EXAMPLE, '1.2.3.4:5678', false],
    ['spec example: IPv6 literal', SPEC_EXAMPLE, '[1234:5678::abcd]', false],
    ['spec example: IPv6 literal with port', SPEC_EXAMPLE, '[1234:5678::abcd]:5678', false],
    ['IP literals allowed by default', { allow: ['*'] }, '1.2.3.4', true],
    [
      'IP literals: non-boolean means true',
      { allow: ['*'], allow_ip_literals: 'no' },
      '1.2.3.4',
      true,
    ],
    [
      'not an IPv4 literal (octet > 255)',
      { allow: ['*'], allow_ip_literals: false },
      '1.2.3.456',
      true,
    ],
    [
      'deny wins over allow (rule 3 before 4)',
      { allow: ['a.org'], deny: ['a.org'] },
      'a.org',
      false,
    ],
    ['allow-list: listed', { allow: ['a.org', 'b.org'] }, 'b.org', true],
    ['allow-list: not listed (rule 5)', { allow: ['a.org'] }, 'c.org', false],
    ['allow entry with port never matches a host', { allow: ['a.org:8448'] }, 'a.org:8448', false],
    ['empty content: no allow rule, everyone denied', {}, 'a.org', false],
    ['allow not an array: denied', { allow: '*' }, 'a.org', false],
    ['non-string entries are skipped', { allow: [1, null, 'a.org'], deny: [{}] }, 'a.org', true],
    ['deny not an array: ignored', { allow: ['*'], deny: 'a.org' }, 'a.org', true],
    ['content not an object: denied', 'nonsense', 'a.org', false],
    ['? matches exactly one character', { allow: ['server?.org'] }, 'server1.org', true],
    ['? does not match zero characters', { allow: ['server?.org'] }, 'server.org', false],
    ['? does not match two characters', { allow: ['server?.org'] }, 'server12.org', false],
    ['* matches zero characters', { allow: ['a*.org'] }, 'a.org', true],
    ['other regex characters are literal', { allow: ['a+b.org'] }, 'a+b.org', true],
    ['. is literal', { allow: ['a.org'] }, 'axorg', false],
    ['case-insensitive deny', { allow: ['*'], deny: ['evil.com'] }, 'EVIL.com', false],
    ['case-insensitive allow', { allow: ['Good.Org'] }, 'good.org', true],
  ];
  it.each(cases)('%s', (_name, content, server, allowed) => {
    expect(serverAclAllows(content, server)).toBe(allowed);
  });
});

describe('parseServerAcl', () => {
  it('applies the defaults', () => {
    expect(parseServerAcl({})).toEqual({ allowIpLiterals: true, allow: [], deny: [] });
    expect(parseServerAcl(null)).toEqual({ allowIpLiterals: true, allow: [], deny: [] });
    expect(parseServerAcl(SPEC_EXAMPLE)).toEqual({
      allowIpLiterals: false,
      allow: ['*'],
      deny: ['*.evil.com', 'evil.com'],
    });
  });
});

describe('hostOf and isIpLiteral', () => {
  it.each([
    ['example.org', 'example.org'],
    ['example.org:8448', 'example.org'],
    ['[::1]:8448', '[::1]'],
    ['[::1]', '[::1]'],
    ['::1', '::1'],
  ])('%s → %s', (server, host) => expect(hostOf(server)).toBe(host));

  it.each([
    ['1.2.3.4', true],
    ['255.255.255.255', true],
    ['256.1.1.1', false],
    ['1.2.3', false],
    ['[1234:5678::abcd]', true],
    ['[not-ip]', false],
    ['example.org', false],
  ])('%s is an IP literal: %s', (host, literal) => expect(isIpLiteral(host)).toBe(literal));
});

describe('globMatches', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything', true],
    ['', '', true],
    ['', 'a', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['*.*.*', 'a.b.c', true],
    ['??', 'ab', true],
    ['??', 'abc', false],
  ])('%s ~ %s → %s', (pattern, text, match) => expect(globMatches(pattern, text)).toBe(match));

  it('many stars against a long name stay fast', () => {
    const pattern = `${'*a'.repeat(200)}b`;
    const text = 'a'.repeat(255);
    const started = performance.now();
    expect(globMatches(pattern, text)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
