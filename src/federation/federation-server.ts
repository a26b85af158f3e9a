/**
 * One node's federation server: the request server with the public endpoints
 * every server has (version, keys) already registered. Later endpoints
 * (`/send`, `make_join`, ...) are added with `register`:
 *
 * ```ts
 * server.register({
 *   method: 'PUT',
 *   path: '/_matrix/federation/v1/send/{txnId}',
 *   auth: 'x-matrix',               // handler runs only for a verified origin
 *   maxBodyBytes: 8 * 1024 * 1024,  // default DEFAULT_MAX_BODY_BYTES
 *   handle: async ({ origin, params, body }) => ({ body: { pdus: {} } }),
 * });
 * ```
 *
 * Give `server.handle` to every carrier (memory network, libp2p, relay).
 */
import type { IdentityRecord } from '../store/records.js';
import type { KeyRing } from './keys/key-ring.js';
import { keyRoutes } from './keys/key-routes.js';
import { RequestServer } from './server/request-server.js';
import type { Route } from './server/route.js';
import type { FederationRequest, RequestHandler } from './transport.js';
import { versionRoute } from './version-route.js';

/** What a FederationServer is built from. */
export interface FederationServerOptions {
  /** Our identity, read per request. */
  identity: () => IdentityRecord;
  /** Verifies origins' signatures and answers the key endpoints. */
  keyRing: KeyRing;
  now: () => number;
  /** The version `/version` reports; default TIDEPOOL_VERSION. */
  version?: string;
  /** Told about failures that became a 500. */
  onInternalError?: (error: unknown, request: FederationRequest) => void;
}

/** The federation API of one node. */
export class FederationServer {
  private readonly server: RequestServer;

  constructor(options: FederationServerOptions) {
    const { identity, keyRing, now } = options;
    const serverOptions: ConstructorParameters<typeof RequestServer>[0] = {
      serverName: () => identity().serverName,
      lookupKey: keyRing.requestKeyLookup,
    };
    if (options.onInternalError) serverOptions.onInternalError = options.onInternalError;
    this.server = new RequestServer(serverOptions);
    this.register(versionRoute(options.version));
    for (const route of keyRoutes({ keyRing, identity, now })) this.register(route);
  }

  /** Adds an endpoint. Throws if its method and path pattern are taken. */
  register(route: Route): void {
    this.server.register(route);
  }

  /** Serves one request; hand it to the carriers. */
  get handle(): RequestHandler {
    return this.server.handle;
  }
}
