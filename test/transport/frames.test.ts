import { streamPair } from '@libp2p/utils';
import { describe, expect, it } from 'vitest';
import type { FederationRequest } from '../../src/federation/transport.js';
import { requestOverStream, serveFederationStream } from '../../src/transport/federation-stream.js';
import {
  decodeForwardRequest,
  decodeRequest,
  decodeResponse,
  encodeForwardRequest,
  encodeRequest,
  encodeResponse,
  FrameError,
  MAX_HEAD_BYTES,
  MAX_REQUEST_BODY_BYTES,
  MAX_RESPONSE_BODY_BYTES,
} from '../../src/transport/frames.js';

/** The `/tidepool/federation/1` frames: table tests of the codec, and one real stream pair. */

const text = (value: string) => new TextEncoder().encode(value);
const empty = new Uint8Array(0);

describe('request heads that must be refused', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['not UTF-8', Uint8Array.from([0xff, 0xfe]), /UTF-8 JSON/],
    ['not JSON', text('{"method":'), /UTF-8 JSON/],
    ['an array', text('[]'), /not an object/],
    ['null', text('null'), /not an object/],
    ['a string', text('"GET"'), /not an object/],
    ['no method', text('{"path":"/x","headers":{}}'), /method/],
    ['a lower-case method', text('{"method":"get","path":"/x","headers":{}}'), /method/],
    ['a method with a space', text('{"method":"GET X","path":"/x","headers":{}}'), /method/],
    [
      'a too long method',
      text(`{"method":"${'A'.repeat(17)}","path":"/x","headers":{}}`),
      /method/,
    ],
    ['a numeric method', text('{"method":1,"path":"/x","headers":{}}'), /method/],
    ['no path', text('{"method":"GET","headers":{}}'), /path/],
    ['a relative path', text('{"method":"GET","path":"x","headers":{}}'), /path/],
    ['an absolute URL', text('{"method":"GET","path":"http://a/x","headers":{}}'), /path/],
    ['no headers', text('{"method":"GET","path":"/x"}'), /headers/],
    ['headers as an array', text('{"method":"GET","path":"/x","headers":[]}'), /headers/],
    ['a numeric header', text('{"method":"GET","path":"/x","headers":{"a":1}}'), /header a/],
    ['a null header', text('{"method":"GET","path":"/x","headers":{"a":null}}'), /header a/],
    ['an oversized head', new Uint8Array(MAX_HEAD_BYTES + 1).fill(0x20), /too large/],
  ];
  it.each(cases)('%s', (_, head, message) => {
    expect(() => decodeRequest(head, empty)).toThrow(FrameError);
    expect(() => decodeRequest(head, empty)).toThrow(message);
  });

  it('a body over the request limit', () => {
    const head = text('{"method":"PUT","path":"/x","headers":{}}');
    expect(() => decodeRequest(head, new Uint8Array(MAX_REQUEST_BODY_BYTES + 1))).toThrow(
      /request body too large/,
    );
    expect(decodeRequest(head, new Uint8Array(MAX_REQUEST_BODY_BYTES)).body).toHaveLength(
      MAX_REQUEST_BODY_BYTES,
    );
  });
});

describe('response heads that must be refused', () => {
  const cases: [string, string][] = [
    ['no status', '{"headers":{}}'],
    ['a string status', '{"status":"200","headers":{}}'],
    ['a fractional status', '{"status":200.5,"headers":{}}'],
    ['a status under 100', '{"status":99,"headers":{}}'],
    ['a status over 599', '{"status":600,"headers":{}}'],
    ['no headers', '{"status":200}'],
  ];
  it.each(cases)('%s', (_, head) => {
    expect(() => decodeResponse(text(head), empty)).toThrow(FrameError);
  });

  it('a body over the response limit', () => {
    const head = text('{"status":200,"headers":{}}');
    expect(() => decodeResponse(head, new Uint8Array(MAX_RESPONSE_BODY_BYTES + 1))).toThrow(
      /response body too large/,
    );
  });
});

describe('forward heads', () => {
  const base = { method: 'GET', path: '/x', headers: {} };
  const cases: [string, unknown][] = [
    ['no destination', undefined],
    ['an empty destination', ''],
    ['a numeric destination', 7],
    ['a too long destination', 'a'.repeat(256)],
  ];
  it.each(cases)('refuses %s', (_, destination) => {
    const head = text(JSON.stringify({ ...base, destination }));
    expect(() => decodeForwardRequest(head, empty)).toThrow(/destination/);
  });

  it('round-trips a destination and the request', () => {
    const request = {
      method: 'PUT',
      path: '/_matrix/federation/v1/send/1?a=%20',
      headers: { a: 'b' },
      body: text('{}'),
    };
    const [head, body] = encodeForwardRequest('matrix.org:8448', request);
    expect(decodeForwardRequest(head!, body!)).toEqual({ destination: 'matrix.org:8448', request });
  });
});

describe('round trips', () => {
  const requests: FederationRequest[] = [
    { method: 'GET', path: '/_matrix/key/v2/server', headers: {} },
    {
      method: 'PUT',
      path: '/_matrix/federation/v1/send/t%2F1?x=%40a%3Ab',
      headers: {
        authorization: 'X-Matrix origin="a",key="ed25519:1",sig="s"',
        'content-type': 'application/json',
      },
      body: text('{"pdus":[],"edus":[]}'),
    },
  ];
  it.each(requests)('request $method $path', (request) => {
    const [head, body] = encodeRequest(request);
    expect(decodeRequest(head!, body!)).toEqual(request);
  });

  it('header names arrive lower case', () => {
    const [head, body] = encodeRequest({
      method: 'GET',
      path: '/x',
      headers: { 'Content-Type': 'a' },
    });
    expect(decodeRequest(head!, body!).headers).toEqual({ 'content-type': 'a' });
  });

  it('a response with any bytes', () => {
    const response = {
      status: 502,
      headers: { 'retry-after': '1' },
      body: Uint8Array.from([0, 1, 255]),
    };
    const [head, body] = encodeResponse(response);
    expect(decodeResponse(head!, body!)).toEqual(response);
  });
});

describe('over a real stream pair', () => {
  it('one request and its response, byte for byte', async () => {
    const [outbound, inbound] = await streamPair();
    const served = serveFederationStream(
      inbound,
      async (request) => ({
        status: 200,
        headers: { 'x-path': request.path },
        body: request.body ?? empty,
      }),
      {},
    );
    const body = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);
    const response = await requestOverStream(outbound, {
      method: 'PUT',
      path: '/p?q=1',
      headers: {},
      body,
    });
    await served;
    expect(response.headers['x-path']).toBe('/p?q=1');
    expect(response.body).toEqual(body);
  });

  it('a malformed request resets the stream instead of being answered', async () => {
    const [outbound, inbound] = await streamPair();
    let called = false;
    const served = serveFederationStream(
      inbound,
      async () => {
        called = true;
        return { status: 200, headers: {}, body: empty };
      },
      {},
    );
    await expect(
      requestOverStream(outbound, { method: 'get', path: '/x', headers: {} }),
    ).rejects.toThrow();
    await served;
    expect(called).toBe(false);
  });
});
