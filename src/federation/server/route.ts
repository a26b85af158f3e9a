/**
 * What an endpoint is: a method, a path pattern, whether it needs X-Matrix
 * authentication, and a handler that gets the parsed request. Handlers return
 * a JSON object or throw a MatrixError; the server turns both into responses.
 */
import type { ServerName } from '../../core/ids.js';
import type { JsonObject } from '../../core/json.js';
import type { FederationRequest, RequestMeta } from '../transport.js';

/** The methods the federation API uses. */
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** What every handler is given. */
export interface RequestContext {
  /** The request as the transport delivered it. */
  request: FederationRequest;
  meta: RequestMeta;
  /** Path parameters by name (`{txnId}` → `params.txnId`), percent-decoded. */
  params: Record<string, string>;
  /** The query string, decoded. */
  query: URLSearchParams;
  /** The parsed JSON body; undefined when the request had none. */
  body: JsonObject | undefined;
}

/** What an authenticated handler is given: also who signed the request. */
export interface AuthenticatedContext extends RequestContext {
  /** The server whose X-Matrix signature verified. */
  origin: ServerName;
  /** The key it signed with. */
  keyId: string;
}

/** A handler's answer: a JSON object, 200 unless `status` says otherwise. */
export interface RouteResponse {
  status?: number;
  body: JsonObject;
  /** Extra headers (lower-case names); content-type is always set. */
  headers?: Record<string, string>;
}

interface RouteBase {
  method: HttpMethod;
  /**
   * The path pattern: literal segments and `{name}` parameters, one per
   * segment, e.g. `/_matrix/federation/v1/send/{txnId}`. No query string.
   */
  path: string;
  /** The largest body accepted, in bytes; default DEFAULT_MAX_BODY_BYTES. */
  maxBodyBytes?: number;
}

/** An endpoint anyone may call (version, keys). */
export interface PublicRoute extends RouteBase {
  auth: 'none';
  handle(context: RequestContext): Promise<RouteResponse> | RouteResponse;
}

/** An endpoint that requires a verified X-Matrix signature. */
export interface AuthenticatedRoute extends RouteBase {
  auth: 'x-matrix';
  handle(context: AuthenticatedContext): Promise<RouteResponse> | RouteResponse;
}

/** An endpoint. */
export type Route = PublicRoute | AuthenticatedRoute;

/** Request bodies larger than this are refused (413 M_TOO_LARGE) unless a route allows more. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
