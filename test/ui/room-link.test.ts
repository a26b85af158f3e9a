import { describe, expect, it } from 'vitest';
import { parseRoomLink, roomLink } from '../../src/ui/room-link.js';

const host = 'abcdefgh.localhost';
const v12 = `!${'A'.repeat(43)}`;

describe('parseRoomLink', () => {
  it.each([
    [
      'our link with a v12 ID',
      `http://127.0.0.1:8008/#join=${encodeURIComponent(v12)}&via=${host}`,
      { target: v12, via: [host] },
    ],
    [
      'our link with an alias',
      `http://127.0.0.1:8008/?node=x#join=%23lobby%3A${host}&via=${host}`,
      { target: `#lobby:${host}`, via: [host] },
    ],
    [
      'our link, two servers, one repeated',
      `http://a/#join=!r%3Ax&via=x&via=y&via=x`,
      { target: '!r:x', via: ['x', 'y'] },
    ],
    [
      'a matrix.to alias link',
      'https://matrix.to/#/%23room%3Aexample.org',
      { target: '#room:example.org', via: [] },
    ],
    [
      'a matrix.to room link with via',
      'https://matrix.to/#/!abc%3Aexample.org?via=example.org&via=other.net',
      { target: '!abc:example.org', via: ['example.org', 'other.net'] },
    ],
    [
      'a matrix.to event link: the room',
      'https://matrix.to/#/!abc:example.org/$ev?via=example.org',
      { target: '!abc:example.org', via: ['example.org'] },
    ],
    ['a matrix: alias URI', 'matrix:r/room:example.org', { target: '#room:example.org', via: [] }],
    [
      'a matrix: room ID URI with via',
      'matrix:roomid/abc:example.org?via=example.org',
      { target: '!abc:example.org', via: ['example.org'] },
    ],
    ['a bare alias, trimmed', '  #lobby:example.org \n', { target: '#lobby:example.org', via: [] }],
    ['a bare room ID', '!abc:example.org', { target: '!abc:example.org', via: [] }],
    [
      'a via that is no server name dropped',
      'http://a/#join=!r&via=%3Cscript%3E',
      { target: '!r', via: [] },
    ],
    ['an alias without a server', '#lobby', undefined],
    ['a user ID', '@alice:example.org', undefined],
    ['empty', '   ', undefined],
    ['a URL without a room', 'http://127.0.0.1:8008/#room=!x', undefined],
    ['text', 'hello there', undefined],
    ['a matrix: user URI', 'matrix:u/alice:example.org', undefined],
    ['a broken percent-encoding', 'https://matrix.to/#/%E0%A4%A', undefined],
  ])('%s', (_what, input, expected) => {
    expect(parseRoomLink(input)).toEqual(expected);
  });
});

describe('roomLink', () => {
  it('round-trips through parseRoomLink, and drops the sharer’s node name', () => {
    const link = roomLink('http://127.0.0.1:8008/?node=mine#room=x', v12, [host]);
    expect(link).not.toContain('node=mine');
    expect(parseRoomLink(link)).toEqual({ target: v12, via: [host] });
    const aliasLink = roomLink('http://127.0.0.1:8008/', `#lobby:${host}`, [host, 'b.localhost']);
    expect(parseRoomLink(aliasLink)).toEqual({
      target: `#lobby:${host}`,
      via: [host, 'b.localhost'],
    });
  });
});
