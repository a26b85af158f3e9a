/** Which addresses the outbound path refuses without --allow-private-destinations. */
import { describe, expect, it } from 'vitest';
import { parseHost } from '../../relay/gateway/host-header.js';
import { isPrivateAddress } from '../../relay/outbound/address-policy.js';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['8.8.8.8', false],
    ['::1', true],
    ['[::1]', true],
    ['::', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['2001:4860:4860::8888', false],
    ['not-an-ip', true],
  ])('%s → %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('parseHost', () => {
  it.each([
    ['Example.ORG', { hostname: 'example.org' }],
    ['example.org:8448', { hostname: 'example.org', port: 8448 }],
    ['1.2.3.4:80', { hostname: '1.2.3.4', port: 80 }],
    ['[::1]:8448', { hostname: '[::1]', port: 8448 }],
    ['[::1]', { hostname: '[::1]' }],
    ['bad_host', undefined],
    ['example.org:0', undefined],
    ['example.org:99999', undefined],
    ['example.org:', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s', (header, expected) => {
    expect(parseHost(header)).toEqual(expected);
  });
});
