/**
 * A standard homeserver for tests: a plain Node HTTPS server on 127.0.0.1
 * named `localhost:<port>`, with its own Ed25519 key, serving the spec's
 * endpoints (keys, make_join/send_join v2, /send, ...) with the project's
 * federation code, and sending its requests over HTTPS with the spec's
 * server-name resolution. To the relay and the browser node it is just
 * another homeserver on the network.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { toFederationRequest } from '../../../relay/gateway/read-request.js';
import { sendResponse } from '../../../relay/gateway/responses.js';
import type { ResolverDns } from '../../../relay/outbound/dns.js';
import { HomeserverClient } from '../../../relay/outbound/homeserver-client.js';
import type { ServerName } from '../../../src/core/ids.js';
import { FederatedNode } from '../../../src/federation/federated-node.js';
import { createIdentity } from '../../../src/node/identity.js';
import { TidepoolNode } from '../../../src/node/node.js';
import type { IdentityRecord } from '../../../src/store/records.js';
import type { Store } from '../../../src/store/store.js';
import { freshFactory, open } from '../../store/helpers.js';
import type { TestCertificate } from './cert.js';
import { HttpsTransport } from './https-transport.js';

/** How the homeserver is built. */
export interface StandardHomeserverOptions {
  /** Its TLS certificate (valid for `localhost` and 127.0.0.1). */
  certificate: TestCertificate;
  /** CA certificates it trusts when sending (the gateway's). */
  ca: string[];
  /** Its DNS (test names → 127.0.0.1). */
  dns: ResolverDns;
  /** Where it fetches `.well-known` from (the gateway's port stands in for 443). */
  wellKnownPort?: number;
  /** Randomness for its key; default crypto. */
  random?: (length: number) => Uint8Array;
}

/** A running standard homeserver. */
export class StandardHomeserver {
  private constructor(
    readonly serverName: ServerName,
    readonly identity: IdentityRecord,
    readonly node: TidepoolNode,
    readonly store: Store,
    readonly fed: FederatedNode,
    readonly client: HomeserverClient,
    private readonly server: Server,
    /** Requests it served: method and path. */
    readonly served: { method: string; path: string; origin?: string }[],
  ) {}

  /** The local user `@u:localhost:<port>`. */
  get user(): string {
    return `@u:${this.serverName}`;
  }

  /** Starts listening, then builds the node under its name. */
  static async start(options: StandardHomeserverOptions): Promise<StandardHomeserver> {
    let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
    const server = createServer(options.certificate, (req, res) => handle?.(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const serverName = `localhost:${port}` as ServerName;
    const base = createIdentity({
      localpart: 'u',
      ...(options.random ? { random: options.random } : {}),
    });
    const identity: IdentityRecord = { ...base, serverName, profile: { displayName: 'Hugo' } };
    const store = await open(freshFactory(), `standard-${port}`);
    const node = await TidepoolNode.create(store, identity, { now: Date.now });
    const client = new HomeserverClient({
      dns: options.dns,
      allowPrivateDestinations: true,
      ca: options.ca,
      ...(options.wellKnownPort ? { wellKnownPort: options.wellKnownPort } : {}),
    });
    const fed = await FederatedNode.open({
      node,
      store,
      identity: () => identity,
      transport: new HttpsTransport(client),
      now: Date.now,
    });
    const served: { method: string; path: string }[] = [];
    handle = (req, res) => {
      toFederationRequest(req, 8 * 1024 * 1024)
        .then(async (request) => {
          served.push({ method: request.method, path: request.path });
          sendResponse(
            res,
            await fed.handle(request, { remoteAddress: req.socket.remoteAddress ?? '' }),
          );
        })
        .catch(() => res.destroy());
    };
    return new StandardHomeserver(serverName, identity, node, store, fed, client, server, served);
  }

  /** Stops serving and sending. */
  async close(): Promise<void> {
    await this.fed.close();
    this.node.close();
    this.client.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
