/** The federation layer's public face: transports, client, request server, key ring. */
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  FederationClient,
  type FederationClientOptions,
  type RequestOptions,
} from './client.js';
export { FederationServer, type FederationServerOptions } from './federation-server.js';
export { type FetchedKeys, fetchDirect, fetchViaNotary } from './keys/fetch-keys.js';
export {
  DEFAULT_MIN_REFETCH_INTERVAL_MS,
  KeyRing,
  type KeyRingOptions,
  type NotaryConfig,
} from './keys/key-ring.js';
export { keyRoutes, MAX_NOTARY_QUERY_SERVERS } from './keys/key-routes.js';
export { OWN_KEYS_VALIDITY_MS, ownServerKeys } from './keys/own-keys.js';
export {
  type Delivery,
  type LinkConditions,
  MemoryNetwork,
  type MemoryNetworkOptions,
} from './memory-network.js';
export { ManualClock, type NetworkClock, realClock } from './network-clock.js';
export { BadRemoteResponseError, RemoteMatrixError } from './remote-errors.js';
export { authenticateRequest, splitCredentials } from './server/authenticate.js';
export { RequestServer, type RequestServerOptions } from './server/request-server.js';
export type {
  AuthenticatedContext,
  AuthenticatedRoute,
  HttpMethod,
  PublicRoute,
  RequestContext,
  Route,
  RouteResponse,
} from './server/route.js';
export { DEFAULT_MAX_BODY_BYTES } from './server/route.js';
export type {
  FederationRequest,
  FederationResponse,
  FederationTransport,
  RequestHandler,
  RequestMeta,
} from './transport.js';
export {
  isTransportError,
  TransportTimeoutError,
  TransportUnreachableError,
} from './transport-errors.js';
export { SERVER_IMPLEMENTATION_NAME, TIDEPOOL_VERSION, versionRoute } from './version-route.js';
