import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json.js';
import { buildXMatrix } from '../../src/core/x-matrix.js';
import type { FederationRequest } from '../../src/federation/transport.js';
import { createIdentity } from '../../src/node/identity.js';
import type { IdentityRecord } from '../../src/store/records.js';
import { seededRandom } from '../node/helpers.js';
import { type FedNode, testNetwork, text } from './helpers.js';

const TEST_PATH = '/_matrix/federation/v1/test/item%201?x=y';
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** a and b on a network; b serves a protected test endpoint. */
async function setup() {
  const { nodes, network } = await testNetwork(3);
  const [a, b, c] = nodes as [FedNode, FedNode, FedNode];
  b.server.register({
    method: 'PUT',
    path: '/_matrix/federation/v1/test/{id}',
    auth: 'x-matrix',
    maxBodyBytes: 1024,
    handle: ({ origin, params, body, query }) => ({
      body: { origin, id: params.id!, x: query.get('x'), got: body ?? null },
    }),
  });
  b.server.register({
    method: 'GET',
    path: '/_matrix/federation/v1/broken',
    auth: 'none',
    handle: () => {
      throw new Error('a bug');
    },
  });
  /** Sends a raw request from `from`'s transport to b. */
  const send = async (request: FederationRequest, from = a) => {
    const response = await from.transport.request(b.name, request);
    return { ...response, json: JSON.parse(text(response.body)) as Record<string, unknown> };
  };
  return { network, a, b, c, send };
}

/** An X-Matrix header signed by `signer`'s seed, with overridable fields. */
function header(
  signer: IdentityRecord,
  fields: {
    method?: string;
    uri?: string;
    origin?: string;
    destination: string;
    content?: unknown;
  },
  keyId = signer.signingKey.keyId,
): Promise<string> {
  return buildXMatrix(
    {
      method: fields.method ?? 'PUT',
      uri: fields.uri ?? TEST_PATH,
      origin: fields.origin ?? signer.serverName,
      destination: fields.destination,
      content: fields.content,
    },
    keyId,
    signer.signingKey.seed,
  );
}

describe('request authentication', () => {
  it('accepts a correctly signed request and hands the handler the origin', async () => {
    const { a, b } = await setup();
    const answer = await a.client.request(b.name, 'PUT', TEST_PATH, { n: 1 });
    expect(answer).toEqual({ origin: a.name, id: 'item 1', x: 'y', got: { n: 1 } });
  });

  it('refuses every bad credential with 401 M_UNAUTHORIZED', async () => {
    const { a, b, c, send } = await setup();
    const stranger = createIdentity({ localpart: 'u', random: seededRandom(1234) });
    const impostor = createIdentity({ localpart: 'u', random: seededRandom(4321) });
    const body = { n: 1 };
    const good = await header(a.identity, { destination: b.name, content: body });
    const cases: [string, Record<string, string>, unknown?][] = [
      ['no Authorization header', {}],
      ['another scheme', { authorization: 'Bearer abc' }],
      ['malformed X-Matrix', { authorization: 'X-Matrix origin=' }],
      ['X-Matrix without sig', { authorization: `X-Matrix origin="${a.name}",key="ed25519:a"` }],
      [
        'wrong signature (right key ID, other seed)',
        {
          authorization: await header(
            {
              ...a.identity,
              signingKey: { ...impostor.signingKey, keyId: a.identity.signingKey.keyId },
            },
            { origin: a.name, destination: b.name, content: body },
          ),
        },
      ],
      [
        'wrong destination',
        { authorization: await header(a.identity, { destination: c.name, content: body }) },
      ],
      [
        'unknown origin (its keys cannot be fetched)',
        { authorization: await header(stranger, { destination: b.name, content: body }) },
      ],
      [
        'a key the origin does not publish',
        {
          authorization: await header(
            { ...a.identity, signingKey: impostor.signingKey },
            { origin: a.name, destination: b.name, content: body },
          ),
        },
      ],
      [
        'origin is not a server name',
        { authorization: good.replace(`origin="${a.name}"`, 'origin="not a name!"') },
      ],
      [
        'signed for another path (replay)',
        { authorization: good },
        { path: '/_matrix/federation/v1/test/other' },
      ],
      ['signed for another body', { authorization: good }, { body: { n: 2 } }],
      [
        'signed for another method',
        {
          authorization: await header(a.identity, {
            method: 'POST',
            destination: b.name,
            content: body,
          }),
        },
      ],
      [
        'signed without the body',
        { authorization: await header(a.identity, { destination: b.name }) },
      ],
      [
        'two credentials naming two origins',
        {
          authorization: `${good}, ${await header(c.identity, { destination: b.name, content: body })}`,
        },
      ],
    ];
    for (const [label, headers, override] of cases) {
      const o = (override ?? {}) as { path?: string; body?: unknown };
      const response = await send({
        method: 'PUT',
        path: o.path ?? TEST_PATH,
        headers,
        body: encode(o.body ?? body),
      });
      expect([label, response.status, response.json.errcode]).toEqual([
        label,
        401,
        'M_UNAUTHORIZED',
      ]);
      expect(response.headers['content-type']).toBe('application/json');
    }
  });

  it('accepts a header without destination (older senders) and one of several credentials', async () => {
    const { a, b, send } = await setup();
    const body = { n: 1 };
    const good = await header(a.identity, { destination: b.name, content: body });
    const bad = await header(a.identity, { destination: b.name, content: { other: true } });
    const cases: [string, string][] = [
      ['no destination parameter', good.replace(/destination="[^"]*",/, '')],
      ['a bad then a good credential, joined', `${bad}, ${good}`],
    ];
    for (const [label, authorization] of cases) {
      const response = await send({
        method: 'PUT',
        path: TEST_PATH,
        headers: { authorization },
        body: encode(body),
      });
      expect([label, response.status, response.json.origin]).toEqual([label, 200, a.name]);
    }
  });
});

describe('request server', () => {
  it('answers bad requests with the spec errcodes and statuses', async () => {
    const { a, b, send } = await setup();
    const signed = async (content: unknown) => ({
      authorization: await header(a.identity, { destination: b.name, content }),
    });
    const big = { pad: 'x'.repeat(2000) };
    const cases: [string, FederationRequest, number, string][] = [
      [
        'body over the limit',
        { method: 'PUT', path: TEST_PATH, headers: await signed(big), body: encode(big) },
        413,
        'M_TOO_LARGE',
      ],
      [
        'body over the limit, unsigned',
        { method: 'PUT', path: TEST_PATH, headers: {}, body: encode(big) },
        413,
        'M_TOO_LARGE',
      ],
      [
        'malformed JSON',
        { method: 'PUT', path: TEST_PATH, headers: {}, body: new TextEncoder().encode('{"a":') },
        400,
        'M_NOT_JSON',
      ],
      [
        'not UTF-8',
        { method: 'PUT', path: TEST_PATH, headers: {}, body: Uint8Array.from([0x7b, 0xff, 0x7d]) },
        400,
        'M_NOT_JSON',
      ],
      [
        'a float',
        {
          method: 'PUT',
          path: TEST_PATH,
          headers: {},
          body: new TextEncoder().encode('{"a":1.5}'),
        },
        400,
        'M_BAD_JSON',
      ],
      [
        'not an object',
        { method: 'PUT', path: TEST_PATH, headers: {}, body: encode([1]) },
        400,
        'M_BAD_JSON',
      ],
      [
        'unknown path',
        { method: 'GET', path: '/_matrix/federation/v1/nope', headers: {} },
        404,
        'M_UNRECOGNIZED',
      ],
      [
        'unknown path under a known prefix',
        { method: 'GET', path: '/_matrix/federation/v1/test', headers: {} },
        404,
        'M_UNRECOGNIZED',
      ],
      [
        'wrong method',
        { method: 'POST', path: '/_matrix/federation/v1/version', headers: {} },
        405,
        'M_UNRECOGNIZED',
      ],
      [
        'badly encoded path parameter',
        { method: 'PUT', path: '/_matrix/federation/v1/test/%E0%A4%A', headers: {} },
        400,
        'M_INVALID_PARAM',
      ],
      [
        'a handler bug',
        { method: 'GET', path: '/_matrix/federation/v1/broken', headers: {} },
        500,
        'M_UNKNOWN',
      ],
    ];
    for (const [label, request, status, errcode] of cases) {
      const response = await send(request);
      expect([label, response.status, response.json.errcode]).toEqual([label, status, errcode]);
    }
    const wrongMethod = await send({ method: 'DELETE', path: TEST_PATH, headers: {} });
    expect(wrongMethod.headers.allow).toBe('PUT');
  });

  it('GET /_matrix/federation/v1/version answers in canonical JSON', async () => {
    const { b, send } = await setup();
    const response = await send({
      method: 'GET',
      path: '/_matrix/federation/v1/version',
      headers: {},
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(text(response.body)).toBe(
      canonicalJson({ server: { name: 'Tidepool', version: '0.1.0' } }),
    );
    expect(() =>
      b.server.register({
        method: 'GET',
        path: '/_matrix/federation/v1/version',
        auth: 'none',
        handle: () => ({ body: {} }),
      }),
    ).toThrow(/already registered/);
  });
});
