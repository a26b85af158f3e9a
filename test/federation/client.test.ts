import { describe, expect, it } from 'vitest';
import { publicKeyFromSeed } from '../../src/core/crypto/ed25519.js';
import { verifyXMatrix } from '../../src/core/x-matrix.js';
import { FederationClient } from '../../src/federation/client.js';
import { MemoryNetwork } from '../../src/federation/memory-network.js';
import type { FederationRequest, FederationResponse } from '../../src/federation/transport.js';
import { createIdentity } from '../../src/node/identity.js';
import { seededRandom } from '../node/helpers.js';

const bytes = (s: string) => new TextEncoder().encode(s);

/** A client for a seeded identity, talking to `remote.test` which answers `answer`. */
function setup(answer: (request: FederationRequest) => FederationResponse) {
  const identity = createIdentity({ localpart: 'u', random: seededRandom(3) });
  const network = new MemoryNetwork();
  const seen: FederationRequest[] = [];
  network.addNode('remote.test', async (request) => {
    seen.push(request);
    return answer(request);
  });
  const client = new FederationClient({
    transport: network.transportFor(identity.serverName),
    identity: () => identity,
    maxResponseBytes: 100,
  });
  return { client, identity, seen, network };
}

const json = (status: number, body: string): FederationResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: bytes(body),
});

describe('FederationClient', () => {
  it('signs requests with X-Matrix for the destination, body as canonical JSON', async () => {
    const { client, identity, seen } = setup(() => json(200, '{"ok":true}'));
    const body = { b: 1, a: 'é' };
    expect(await client.request('remote.test', 'PUT', '/_matrix/x?q=%20', body)).toEqual({
      ok: true,
    });
    const sent = seen[0]!;
    expect(new TextDecoder().decode(sent.body)).toBe('{"a":"é","b":1}');
    expect(sent.headers['content-type']).toBe('application/json');
    const who = await verifyXMatrix(
      { method: 'PUT', uri: '/_matrix/x?q=%20', destination: 'remote.test', content: body },
      sent.headers.authorization,
      () => publicKeyFromSeed(identity.signingKey.seed),
    );
    expect(who.origin).toBe(identity.serverName);
    expect(sent.headers.authorization).toContain('destination="remote.test"');
  });

  it('sends unsigned when asked, and no body when there is none', async () => {
    const { client, seen } = setup(() => json(200, '{}'));
    await client.request('remote.test', 'GET', '/_matrix/key/v2/server', undefined, {
      sign: false,
    });
    expect(seen[0]!.headers).toEqual({});
    expect(seen[0]!.body).toBeUndefined();
  });

  it('turns answers it cannot use into typed errors', async () => {
    const cases: [string, FederationResponse, Record<string, unknown>][] = [
      [
        'a Matrix error',
        json(403, '{"errcode":"M_FORBIDDEN","error":"no"}'),
        { name: 'RemoteMatrixError', errcode: 'M_FORBIDDEN', httpStatus: 403, retryable: false },
      ],
      [
        'a 502 without JSON',
        { status: 502, headers: {}, body: bytes('<html>') },
        { name: 'RemoteMatrixError', errcode: 'M_UNKNOWN', httpStatus: 502, retryable: true },
      ],
      [
        'rate limited',
        json(429, '{"errcode":"M_LIMIT_EXCEEDED","error":"slow"}'),
        { name: 'RemoteMatrixError', errcode: 'M_LIMIT_EXCEEDED', retryable: true },
      ],
      [
        'rate limited, with retry_after_ms',
        json(429, '{"errcode":"M_LIMIT_EXCEEDED","error":"slow","retry_after_ms":1500}'),
        { name: 'RemoteMatrixError', httpStatus: 429, retryAfterMs: 1500 },
      ],
      [
        'rate limited, with a Retry-After header',
        {
          ...json(429, '{"errcode":"M_LIMIT_EXCEEDED","error":"slow","retry_after_ms":1500}'),
          headers: { 'content-type': 'application/json', 'retry-after': '2' },
        },
        { name: 'RemoteMatrixError', httpStatus: 429, retryAfterMs: 2000 },
      ],
      [
        'a 503 does not carry a wait',
        json(503, '{"errcode":"M_UNKNOWN","error":"busy","retry_after_ms":1500}'),
        { name: 'RemoteMatrixError', httpStatus: 503, retryAfterMs: undefined },
      ],
      [
        'a body over the limit',
        json(200, `{"a":"${'x'.repeat(200)}"}`),
        { name: 'BadRemoteResponseError' },
      ],
      ['not JSON', json(200, 'hello'), { name: 'BadRemoteResponseError' }],
      ['not canonical JSON', json(200, '{"a":1e3}'), { name: 'BadRemoteResponseError' }],
      ['not an object', json(200, '[1]'), { name: 'BadRemoteResponseError' }],
    ];
    for (const [label, response, expected] of cases) {
      const { client } = setup(() => response);
      const error = await client.request('remote.test', 'GET', '/x').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect([label, error]).toMatchObject([label, expected]);
    }
  });

  it('lets transport failures through, retryable', async () => {
    const { client, network } = setup(() => json(200, '{}'));
    network.setOffline('remote.test');
    await expect(client.request('remote.test', 'GET', '/x')).rejects.toMatchObject({
      name: 'TransportUnreachableError',
      retryable: true,
    });
  });
});
