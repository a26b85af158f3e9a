import { describe, expect, it } from 'vitest';
import { canonicalJsonBytes } from '../../../src/core/canonical-json.js';
import type { JsonObject } from '../../../src/core/json.js';
import {
  MAX_PDU_BYTES,
  MAX_PDU_NESTING,
  MAX_PDU_TEXT_BYTES,
  parseAndValidatePdu,
  validatePdu,
} from '../../../src/core/validate-pdu.js';

const eventId = `$${'A'.repeat(43)}`;
const hashRoomId = `!${'B'.repeat(43)}`;

function pdu(overrides: JsonObject = {}): JsonObject {
  return {
    type: 'm.room.message',
    room_id: '!room:example.org',
    sender: '@alice:example.org',
    content: { body: 'hi' },
    auth_events: [eventId],
    prev_events: [eventId],
    depth: 5,
    origin_server_ts: 1_700_000_000_000,
    hashes: { sha256: 'abc' },
    signatures: { 'example.org': { 'ed25519:1': 'sig' } },
    ...overrides,
  };
}

function without(key: string, base = pdu()): JsonObject {
  const copy = { ...base };
  delete copy[key];
  return copy;
}

/** A PDU whose canonical JSON is exactly `bytes` long (padding the message body). */
function pduOfSize(bytes: number): JsonObject {
  const base = pdu({ content: { body: '' } });
  const size = canonicalJsonBytes(base).length;
  return pdu({ content: { body: 'x'.repeat(bytes - size) } });
}

function nested(levels: number): JsonObject {
  let value: JsonObject = {};
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

function errorOf(run: () => unknown): { name?: string; errcode?: string } | undefined {
  try {
    run();
  } catch (error) {
    return error as { name?: string; errcode?: string };
  }
  return undefined;
}

describe('validatePdu accepts', () => {
  it('a well-formed PDU in every version (hash room IDs in 12)', () => {
    expect(validatePdu(pdu(), '10')).toEqual(pdu());
    expect(validatePdu(pdu(), '11')).toEqual(pdu());
    expect(validatePdu(pdu({ room_id: hashRoomId }), '12')).toEqual(pdu({ room_id: hashRoomId }));
  });

  it('a state event, unsigned, unknown keys, depth 0 and empty event lists', () => {
    const event = pdu({
      type: 'm.room.topic',
      state_key: '',
      unsigned: { age: 1 },
      origin: 'example.org',
      depth: 0,
      auth_events: [],
      prev_events: [],
    });
    expect(validatePdu(event, '10')).toBe(event);
  });

  it('a version 12 create event without room_id', () => {
    const create = without('room_id', pdu({ type: 'm.room.create', state_key: '', content: {} }));
    expect(validatePdu(create, '12')).toBe(create);
  });

  it('exactly 65,536 bytes of canonical JSON', () => {
    const event = pduOfSize(MAX_PDU_BYTES);
    expect(canonicalJsonBytes(event).length).toBe(65_536);
    expect(validatePdu(event, '11')).toBe(event);
  });

  it(`nesting of exactly ${MAX_PDU_NESTING} levels`, () => {
    // The PDU is level 1, content level 2, so content may nest 98 more.
    const event = pdu({ content: nested(MAX_PDU_NESTING - 2) });
    expect(validatePdu(event, '11')).toBe(event);
  });
});

const rejects: [
  name: string,
  input: unknown,
  errcode: 'M_BAD_JSON' | 'M_TOO_LARGE',
  version?: '10' | '11' | '12',
][] = [
  ['65,537 bytes of canonical JSON', pduOfSize(MAX_PDU_BYTES + 1), 'M_TOO_LARGE'],
  [
    'a huge string (stops early)',
    pdu({ content: { body: 'x'.repeat(10_000_000) } }),
    'M_TOO_LARGE',
  ],
  ['a huge array', pdu({ content: { a: new Array(100_000).fill(0) } }), 'M_TOO_LARGE'],
  ['type over 255 bytes', pdu({ type: 'é'.repeat(128) }), 'M_TOO_LARGE'],
  ['state_key over 255 bytes', pdu({ state_key: 'k'.repeat(256) }), 'M_TOO_LARGE'],
  [
    `nesting deeper than ${MAX_PDU_NESTING}`,
    pdu({ content: nested(MAX_PDU_NESTING - 1) }),
    'M_BAD_JSON',
  ],
  ['nesting 100,000 deep', pdu({ content: nested(100_000) }), 'M_BAD_JSON'],
  ['a float in content', pdu({ content: { n: 1.5 } }), 'M_BAD_JSON'],
  ['an integer beyond 2^53 − 1', pdu({ content: { n: 2 ** 53 } }), 'M_BAD_JSON'],
  ['NaN', pdu({ content: { n: Number.NaN } }), 'M_BAD_JSON'],
  ['a lone surrogate', pdu({ content: { body: 'a\ud800' } }), 'M_BAD_JSON'],
  ['a lone surrogate in a key', pdu({ content: { '\udc00': 1 } }), 'M_BAD_JSON'],
  ['a bad sender', pdu({ sender: 'alice' }), 'M_BAD_JSON'],
  ['a sender with a bad server', pdu({ sender: '@alice:bad_host' }), 'M_BAD_JSON'],
  ['a sender over 255 bytes', pdu({ sender: `@${'a'.repeat(250)}:example.org` }), 'M_TOO_LARGE'],
  ['a bad prev event ID', pdu({ prev_events: ['$abc:example.org'] }), 'M_BAD_JSON'],
  ['a bad auth event ID', pdu({ auth_events: [eventId, 'nope'] }), 'M_BAD_JSON'],
  ['prev_events not an array', pdu({ prev_events: eventId }), 'M_BAD_JSON'],
  [
    'auth event IDs as objects (v1 format)',
    pdu({ auth_events: [[eventId, { sha256: 'x' }]] }),
    'M_BAD_JSON',
  ],
  ['missing type', without('type'), 'M_BAD_JSON'],
  ['missing sender', without('sender'), 'M_BAD_JSON'],
  ['missing room_id', without('room_id'), 'M_BAD_JSON'],
  ['missing content', without('content'), 'M_BAD_JSON'],
  ['missing depth', without('depth'), 'M_BAD_JSON'],
  ['missing origin_server_ts', without('origin_server_ts'), 'M_BAD_JSON'],
  ['missing prev_events', without('prev_events'), 'M_BAD_JSON'],
  ['missing auth_events', without('auth_events'), 'M_BAD_JSON'],
  ['missing hashes', without('hashes'), 'M_BAD_JSON'],
  ['missing signatures', without('signatures'), 'M_BAD_JSON'],
  ['type not a string', pdu({ type: 1 }), 'M_BAD_JSON'],
  ['state_key not a string', pdu({ state_key: null }), 'M_BAD_JSON'],
  ['content an array', pdu({ content: [] }), 'M_BAD_JSON'],
  ['content a string', pdu({ content: 'x' }), 'M_BAD_JSON'],
  ['depth negative', pdu({ depth: -1 }), 'M_BAD_JSON'],
  ['depth a string', pdu({ depth: '5' }), 'M_BAD_JSON'],
  ['depth a float', pdu({ depth: 5.5 }), 'M_BAD_JSON'],
  ['origin_server_ts a string', pdu({ origin_server_ts: '1' }), 'M_BAD_JSON'],
  ['hashes without sha256', pdu({ hashes: { sha512: 'x' } }), 'M_BAD_JSON'],
  ['hashes.sha256 not a string', pdu({ hashes: { sha256: 1 } }), 'M_BAD_JSON'],
  ['signatures not nested objects', pdu({ signatures: { 'example.org': 'sig' } }), 'M_BAD_JSON'],
  [
    'a signature not a string',
    pdu({ signatures: { 'example.org': { 'ed25519:1': 1 } } }),
    'M_BAD_JSON',
  ],
  ['unsigned not an object', pdu({ unsigned: 1 }), 'M_BAD_JSON'],
  ['redacts not a string', pdu({ type: 'm.room.redaction', redacts: 1 }), 'M_BAD_JSON'],
  ['not an object', [pdu()], 'M_BAD_JSON'],
  ['null', null, 'M_BAD_JSON'],
  ['a string', 'pdu', 'M_BAD_JSON'],
  ['a Date inside', pdu({ content: { when: new Date() as unknown as JsonObject } }), 'M_BAD_JSON'],
  [
    'a v12 create event with room_id',
    pdu({ type: 'm.room.create', state_key: '', room_id: hashRoomId }),
    'M_BAD_JSON',
    '12',
  ],
  ['a v12 event with a v11 room ID', pdu(), 'M_BAD_JSON', '12'],
  ['a v11 event with a v12 room ID', pdu({ room_id: hashRoomId }), 'M_BAD_JSON', '11'],
  [
    'a v11 create event without room_id',
    without('room_id', pdu({ type: 'm.room.create', state_key: '' })),
    'M_BAD_JSON',
    '11',
  ],
];

describe('validatePdu rejects', () => {
  it.each(rejects)('%s', (_name, input, errcode, version = '11') => {
    const error = errorOf(() => validatePdu(input, version));
    expect(error).toMatchObject({ name: 'PduValidationError', errcode });
  });

  it('an unsupported room version', () => {
    expect(errorOf(() => validatePdu(pdu(), '9' as '10'))).toMatchObject({
      errcode: 'M_UNSUPPORTED_ROOM_VERSION',
    });
  });

  it('cyclic objects, with a typed error', () => {
    const content: JsonObject = {};
    content.self = content;
    expect(errorOf(() => validatePdu(pdu({ content }), '11'))).toMatchObject({
      errcode: 'M_BAD_JSON',
    });
  });

  it('a getter that throws, with a typed error', () => {
    const content = {};
    Object.defineProperty(content, 'boom', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(errorOf(() => validatePdu(pdu({ content }), '11'))).toMatchObject({
      name: 'PduValidationError',
      errcode: 'M_BAD_JSON',
    });
  });

  it('objects shared many times (a DAG) quickly, as too large', () => {
    let value: JsonObject = { leaf: 1 };
    for (let i = 0; i < 60; i++) value = { a: value, b: value };
    const started = Date.now();
    expect(errorOf(() => validatePdu(pdu({ content: value }), '11'))).toMatchObject({
      errcode: 'M_TOO_LARGE',
    });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('parseAndValidatePdu', () => {
  const text = JSON.stringify(pdu());
  const utf8 = new TextEncoder();

  it('parses bytes and strings', () => {
    expect(parseAndValidatePdu(text, '11')).toEqual(pdu());
    expect(parseAndValidatePdu(utf8.encode(text), '11')).toEqual(pdu());
    expect(parseAndValidatePdu(JSON.stringify(pdu(), null, 2), '11')).toEqual(pdu());
  });

  it('keeps __proto__ as a plain key and does not pollute prototypes', () => {
    const hostile = text.replace('"body":"hi"', '"body":"hi","__proto__":{"polluted":true}');
    const parsed = parseAndValidatePdu(hostile, '11');
    expect(Object.hasOwn(parsed.content, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(parsed.content)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it.each<[string, string | Uint8Array, string, string]>([
    ['a float', text.replace('"depth":5', '"depth":5.0'), 'PduValidationError', 'M_BAD_JSON'],
    ['an exponent', text.replace('"depth":5', '"depth":5e0'), 'PduValidationError', 'M_BAD_JSON'],
    ['-0', text.replace('"depth":5', '"depth":-0'), 'PduValidationError', 'M_BAD_JSON'],
    [
      'a huge integer',
      text.replace('"depth":5', '"depth":99999999999999999999'),
      'PduValidationError',
      'M_BAD_JSON',
    ],
    ['not JSON', '{"type":', 'NotJsonError', 'M_NOT_JSON'],
    ['invalid UTF-8', Uint8Array.from([0x7b, 0xff, 0x7d]), 'NotJsonError', 'M_NOT_JSON'],
    [
      'text over the parse limit',
      ' '.repeat(MAX_PDU_TEXT_BYTES + 1),
      'PduValidationError',
      'M_TOO_LARGE',
    ],
    [
      '200,000 nested arrays',
      text.replace('"body":"hi"', `"body":${'['.repeat(200_000)}${']'.repeat(200_000)}`),
      'PduValidationError',
      'M_BAD_JSON',
    ],
    [
      '65,537 bytes after parsing',
      JSON.stringify(pduOfSize(MAX_PDU_BYTES + 1)),
      'PduValidationError',
      'M_TOO_LARGE',
    ],
  ])('refuses %s', (_name, input, name, errcode) => {
    expect(errorOf(() => parseAndValidatePdu(input, '11'))).toMatchObject({ name, errcode });
  });
});
