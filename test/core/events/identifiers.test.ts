import { describe, expect, it } from 'vitest';
import {
  isValidEventId,
  isValidKeyId,
  isValidNewUserId,
  isValidRoomAlias,
  isValidRoomId,
  isValidServerName,
  isValidUserId,
  serverNameOf,
  utf8ByteLength,
} from '../../../src/core/identifiers.js';

const hash43 = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ_-01234';

describe('server names', () => {
  it.each([
    'matrix.org',
    'matrix.org:8888',
    'localhost',
    '1.2.3.4',
    '1.2.3.4:1234',
    '[1234:5678::abcd]',
    '[1234:5678::abcd]:5678',
    '[::1]',
    'a'.repeat(255),
    `${'a'.repeat(255)}:65535`,
  ])('accepts %s', (name) => {
    expect(isValidServerName(name)).toBe(true);
  });

  it.each([
    '',
    'a'.repeat(256),
    'matrix.org:',
    'matrix.org:123456',
    'matrix.org:port',
    'under_score.org',
    'sp ace.org',
    '[::1',
    '[x::1]',
    '[]',
    'ünicode.org',
    'a/b',
  ])('refuses %j', (name) => {
    expect(isValidServerName(name)).toBe(false);
  });

  it('refuses non-strings', () => {
    expect(isValidServerName(undefined)).toBe(false);
    expect(isValidServerName(42)).toBe(false);
  });
});

describe('user IDs', () => {
  it.each([
    '@alice:example.org',
    '@a:x',
    '@alice:[::1]:8448',
    '@Historic!Name~:example.org',
    '@=40at/slash+plus:example.org',
    `@${'a'.repeat(242)}:example.org`,
  ])('accepts %s', (id) => {
    expect(isValidUserId(id)).toBe(true);
  });

  it.each([
    'alice:example.org',
    '@:example.org',
    '@alice',
    '@alice:',
    '@ali ce:example.org',
    '@alicé:example.org',
    '@alice:bad_host',
    `@${'a'.repeat(244)}:example.org`,
    '#alice:example.org',
  ])('refuses %j', (id) => {
    expect(isValidUserId(id)).toBe(false);
  });

  it('tells historical localparts from the current grammar', () => {
    expect(isValidNewUserId('@alice_1.b=c/d+e-f:example.org')).toBe(true);
    expect(isValidNewUserId('@Alice:example.org')).toBe(false);
    expect(isValidUserId('@Alice:example.org')).toBe(true);
  });

  it('finds the server name after the first colon', () => {
    expect(serverNameOf('@a:[::1]:8448')).toBe('[::1]:8448');
    expect(serverNameOf('nocolon')).toBeUndefined();
  });
});

describe('room IDs', () => {
  it('versions 10 and 11: !opaque:server', () => {
    for (const v of ['10', '11'] as const) {
      expect(isValidRoomId('!abc:example.org', v)).toBe(true);
      expect(isValidRoomId('!abc:example.org:8448', v)).toBe(true);
      expect(isValidRoomId(`!${hash43}`, v)).toBe(false);
      expect(isValidRoomId('!:example.org', v)).toBe(false);
      expect(isValidRoomId('!abc', v)).toBe(false);
      expect(isValidRoomId('$abc:example.org', v)).toBe(false);
      expect(isValidRoomId(`!${'x'.repeat(243)}:example.org`, v)).toBe(false);
      expect(isValidRoomId(`!${'é'.repeat(122)}:example.org`, v)).toBe(false); // > 255 bytes
    }
  });

  it('version 12: ! and 43 URL-safe base64 characters, no server', () => {
    expect(isValidRoomId(`!${hash43}`, '12')).toBe(true);
    expect(isValidRoomId('!abc:example.org', '12')).toBe(false);
    expect(isValidRoomId(`!${hash43}:example.org`, '12')).toBe(false);
    expect(isValidRoomId(`!${hash43.slice(1)}`, '12')).toBe(false);
    expect(isValidRoomId(`!${hash43.slice(1)}+`, '12')).toBe(false);
  });

  it('throws for an unsupported version', () => {
    expect(() => isValidRoomId('!a:b', '9' as '10')).toThrow(
      expect.objectContaining({ errcode: 'M_UNSUPPORTED_ROOM_VERSION' }),
    );
  });
});

describe('event IDs (room versions 4+)', () => {
  it.each([`$${hash43}`, `$${'A'.repeat(43)}`])('accepts %s', (id) => {
    expect(isValidEventId(id)).toBe(true);
    expect(isValidEventId(id, '12')).toBe(true);
  });

  it.each([
    `${hash43}`,
    `$${hash43.slice(1)}`,
    `$${hash43}A`,
    `$${hash43.slice(1)}=`,
    `$${hash43.slice(1)}/`,
    '$abc:example.org',
    `!${hash43}`,
  ])('refuses %j', (id) => {
    expect(isValidEventId(id)).toBe(false);
  });
});

describe('room aliases', () => {
  it('accepts #localpart:server with any non-colon localpart', () => {
    expect(isValidRoomAlias('#room:example.org')).toBe(true);
    expect(isValidRoomAlias('#rööm 🎉:example.org')).toBe(true);
  });

  it('refuses the rest', () => {
    expect(isValidRoomAlias('#:example.org')).toBe(false);
    expect(isValidRoomAlias('#room')).toBe(false);
    expect(isValidRoomAlias('room:example.org')).toBe(false);
    expect(isValidRoomAlias('#a\u0000b:example.org')).toBe(false);
    expect(isValidRoomAlias('#a\ud800b:example.org')).toBe(false);
    expect(isValidRoomAlias(`#${'ü'.repeat(125)}:x.org`)).toBe(false);
  });
});

describe('key IDs', () => {
  it('accepts ed25519:[a-zA-Z0-9_]+', () => {
    expect(isValidKeyId('ed25519:abc_123')).toBe(true);
    expect(isValidKeyId('ed25519:1')).toBe(true);
  });

  it.each(['ed25519:', 'ed25519:a-b', 'curve25519:a', 'ed25519', 'ED25519:a', 'ed25519:a:b'])(
    'refuses %j',
    (id) => {
      expect(isValidKeyId(id)).toBe(false);
    },
  );
});

describe('utf8ByteLength', () => {
  it('counts UTF-8 bytes', () => {
    expect(utf8ByteLength('abc')).toBe(3);
    expect(utf8ByteLength('é')).toBe(2);
    expect(utf8ByteLength('🎉')).toBe(4);
  });
});
