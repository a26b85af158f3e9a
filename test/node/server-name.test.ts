import { describe, expect, it } from 'vitest';
import { publicKeyFromSeed } from '../../src/core/crypto/ed25519.js';
import { isValidServerName } from '../../src/core/identifiers.js';
import { publicKeyOfServerName, serverNameFor } from '../../src/node/server-name.js';

const key = publicKeyFromSeed(new Uint8Array(32).fill(7));

describe('serverNameFor', () => {
  it('is the lowercase base32 key (52 characters, one DNS label) under the domain', () => {
    const name = serverNameFor(key);
    expect(name).toMatch(/^[a-z2-7]{52}\.localhost$/);
    expect(isValidServerName(name)).toBe(true);
    expect(serverNameFor(key, 'relay.example.org')).toBe(`${name.slice(0, 52)}.relay.example.org`);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => serverNameFor(new Uint8Array(31))).toThrow(
      expect.objectContaining({ errcode: 'M_INVALID_PARAM' }),
    );
  });
});

describe('publicKeyOfServerName', () => {
  it('gives back the key, whatever the domain or port', () => {
    for (const domain of ['localhost', 'relay.example.org', 'example.org:8448']) {
      expect(publicKeyOfServerName(serverNameFor(key, domain))).toEqual(key);
    }
    expect(publicKeyOfServerName(serverNameFor(key).slice(0, 52))).toEqual(key);
  });

  it.each([
    ['an ordinary homeserver', 'matrix.org'],
    ['a label one character short', `${'a'.repeat(51)}.localhost`],
    ['upper case', `${serverNameFor(key).slice(0, 52).toUpperCase()}.localhost`],
    ['letters outside base32', `${'1'.repeat(52)}.localhost`],
    ['the empty string', ''],
  ])('is undefined for %s', (_, name) => {
    expect(publicKeyOfServerName(name)).toBeUndefined();
  });
});
