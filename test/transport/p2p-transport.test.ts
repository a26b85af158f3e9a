import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestHandler } from '../../src/federation/transport.js';
import { runTransportSuite } from '../federation/transport-suite.js';
import { startPeer, startTestRelay, type TestPeer, untilReserved } from './helpers.js';

type Relay = Awaited<ReturnType<typeof startTestRelay>>;

let relay: Relay;
const running: TestPeer[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
});

afterAll(async () => {
  await Promise.allSettled(running.map((peer) => peer.stop()));
  await relay.stop();
});

async function pair(handler: RequestHandler) {
  const server = await startPeer(relay.info, handler);
  const client = await startPeer(relay.info, async () => ({
    status: 500,
    headers: {},
    body: new Uint8Array(),
  }));
  running.push(server, client);
  await untilReserved(server);
  return { server, client };
}

runTransportSuite('libp2p over the relayed circuit', async (handler) => {
  const { server, client } = await pair(handler);
  return { transport: client.transport, destination: server.serverName };
});

describe('P2pTransport between two Node peers through the real relay host', () => {
  it('carries many concurrent requests, each answered by its own handler call', async () => {
    const { server, client } = await pair(async (request, meta) => ({
      status: 200,
      headers: { 'x-from': meta.remoteAddress ?? '' },
      body: new TextEncoder().encode(request.path),
    }));
    const paths = Array.from({ length: 50 }, (_, i) => `/_matrix/federation/v1/send/t${i}`);
    const responses = await Promise.all(
      paths.map((path) =>
        client.transport.request(server.serverName, { method: 'PUT', path, headers: {} }),
      ),
    );
    expect(responses.map((r) => new TextDecoder().decode(r.body))).toEqual(paths);
    // The server saw the client's peer ID: Noise proved who was on the other end.
    expect(responses[0]!.headers['x-from']).toBe(client.libp2p.peerId.toString());
    expect(client.transport.connectionsTo(server.serverName)[0]!.kind).toBe('relayed');
    expect(server.linksUp).toContain(client.serverName);
  });

  it('a cut link refuses both ways with TransportUnreachableError, and heals', async () => {
    const { server, client } = await pair(async () => ({
      status: 200,
      headers: {},
      body: new Uint8Array(),
    }));
    const get = { method: 'GET', path: '/_matrix/federation/v1/version', headers: {} };
    expect((await client.transport.request(server.serverName, get)).status).toBe(200);
    await client.transport.cutLink(server.serverName);
    await expect(client.transport.request(server.serverName, get)).rejects.toMatchObject({
      name: 'TransportUnreachableError',
    });
    // The other side is refused too: the gater turns its dial away.
    await expect(server.transport.request(client.serverName, get)).rejects.toMatchObject({
      name: 'TransportUnreachableError',
    });
    client.transport.healLink(server.serverName);
    expect((await client.transport.request(server.serverName, get)).status).toBe(200);
  });

  it('an offline node refuses everything and comes back', async () => {
    const { server, client } = await pair(async () => ({
      status: 200,
      headers: {},
      body: new Uint8Array(),
    }));
    const get = { method: 'GET', path: '/x', headers: {} };
    await client.transport.setOffline(true);
    await expect(client.transport.request(server.serverName, get)).rejects.toMatchObject({
      name: 'TransportUnreachableError',
    });
    expect(client.libp2p.getConnections()).toHaveLength(0);
    await client.transport.setOffline(false);
    await untilReserved(client);
    expect((await client.transport.request(server.serverName, get)).status).toBe(200);
  });

  it('an unknown browser node is unreachable, not a hang', async () => {
    const { client } = await pair(async () => ({
      status: 200,
      headers: {},
      body: new Uint8Array(),
    }));
    const nobody = `${'a'.repeat(52)}.localhost`;
    await expect(
      client.transport.request(nobody, { method: 'GET', path: '/x', headers: {} }),
    ).rejects.toMatchObject({ name: 'TransportUnreachableError' });
  });

  it('a homeserver name goes to the relay on /tidepool/forward/1', async () => {
    const { client } = await pair(async () => ({
      status: 200,
      headers: {},
      body: new Uint8Array(),
    }));
    const seen: string[] = [];
    await relay.host.handle('/tidepool/forward/1', async (stream) => {
      const { readForwardStream } = await import('../../src/transport/federation-stream.js');
      const forwarded = await readForwardStream(stream);
      seen.push(`${forwarded.destination} ${forwarded.request.path}`);
      await forwarded.respond({ status: 200, headers: {}, body: new TextEncoder().encode('{}') });
    });
    const response = await client.transport.request('matrix.example.org', {
      method: 'GET',
      path: '/_matrix/federation/v1/version',
      headers: {},
    });
    expect(response.status).toBe(200);
    expect(seen).toEqual(['matrix.example.org /_matrix/federation/v1/version']);
    expect(client.transport.peers()).toContainEqual(
      expect.objectContaining({ serverName: 'matrix.example.org', kind: 'gateway' }),
    );
  });
});
