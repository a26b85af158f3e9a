/**
 * The acceptance suite every transport runs (memory now; libp2p and the relay
 * later): a request reaches the handler exactly as sent, and the response
 * comes back exactly as answered.
 */
import { describe, expect, it } from 'vitest';
import type {
  FederationRequest,
  FederationTransport,
  RequestHandler,
} from '../../src/federation/transport.js';

/** Builds a transport whose `destination` is served by `handler`. */
export type TransportSetup = (
  handler: RequestHandler,
) => Promise<{ transport: FederationTransport; destination: string }>;

export function runTransportSuite(name: string, setup: TransportSetup): void {
  describe(`${name}: transport acceptance`, () => {
    it('carries method, target, headers and body byte for byte, both ways', async () => {
      const seen: FederationRequest[] = [];
      const { transport, destination } = await setup(async (request) => {
        seen.push(request);
        return {
          status: 201,
          headers: { 'content-type': 'application/json', 'x-echo': request.path },
          body: Uint8Array.from([0, 255, 10]),
        };
      });
      const path = '/_matrix/federation/v1/query/profile?user_id=%40a%3Ab.c&field=displayname';
      const body = new TextEncoder().encode('{"a":"é"}');
      const response = await transport.request(destination, {
        method: 'PUT',
        path,
        headers: { authorization: 'X-Matrix origin="o",key="ed25519:k",sig="s"' },
        body,
      });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ method: 'PUT', path });
      expect(seen[0]!.headers.authorization).toBe('X-Matrix origin="o",key="ed25519:k",sig="s"');
      expect([...seen[0]!.body!]).toEqual([...body]);
      expect(response.status).toBe(201);
      expect(response.headers['x-echo']).toBe(path);
      expect([...response.body]).toEqual([0, 255, 10]);
    });

    it('passes error statuses through as responses, not rejections', async () => {
      const { transport, destination } = await setup(async () => ({
        status: 404,
        headers: {},
        body: new TextEncoder().encode('{"errcode":"M_UNRECOGNIZED","error":"x"}'),
      }));
      const response = await transport.request(destination, {
        method: 'GET',
        path: '/nope',
        headers: {},
      });
      expect(response.status).toBe(404);
    });

    it('a request without a body arrives without one', async () => {
      let body: Uint8Array | undefined = new Uint8Array(1);
      const { transport, destination } = await setup(async (request) => {
        body = request.body;
        return { status: 200, headers: {}, body: new Uint8Array() };
      });
      await transport.request(destination, { method: 'GET', path: '/x', headers: {} });
      expect(body === undefined || body.length === 0).toBe(true);
    });
  });
}
