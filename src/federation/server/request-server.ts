/**
 * The request server: one RequestHandler for every federation endpoint,
 * whatever carried the request. In order: find the route (404/405
 * M_UNRECOGNIZED), read the body (size limit, then strict JSON), authenticate
 * if the route is protected, run the handler, and answer with canonical JSON.
 * Every outcome is a response; nothing is thrown back at the carrier.
 */
import { MatrixError } from '../../core/errors.js';
import { isJsonObject, type JsonObject } from '../../core/json.js';
import type { XMatrixKeyLookup } from '../../core/x-matrix.js';
import { decodeJsonBody } from '../json-body.js';
import type { FederationRequest, FederationResponse, RequestMeta } from '../transport.js';
import { authenticateRequest } from './authenticate.js';
import { errorResponse, internalErrorResponse, jsonResponse } from './responses.js';
import { DEFAULT_MAX_BODY_BYTES, type RequestContext, type Route } from './route.js';
import { Router } from './router.js';

/** What a RequestServer needs. */
export interface RequestServerOptions {
  /** Our server name, read per request (requests must be signed for it). */
  serverName: () => string;
  /** Finds origins' keys valid for requests now (KeyRing.requestKeyLookup). */
  lookupKey: XMatrixKeyLookup;
  /** Told about failures that became a 500 (bugs, not bad requests). */
  onInternalError?: (error: unknown, request: FederationRequest) => void;
}

/** Routes requests to registered endpoints. */
export class RequestServer {
  private readonly router = new Router();

  constructor(private readonly options: RequestServerOptions) {}

  /** Adds an endpoint. Throws if its method and path pattern are taken. */
  register(route: Route): void {
    this.router.add(route);
  }

  /** The RequestHandler to give a transport (bound, so it can be passed around). */
  readonly handle = async (
    request: FederationRequest,
    meta: RequestMeta,
  ): Promise<FederationResponse> => {
    try {
      return await this.dispatch(request, meta);
    } catch (error) {
      if (isMatrixError(error)) return errorResponse(error);
      this.options.onInternalError?.(error, request);
      return internalErrorResponse();
    }
  };

  private async dispatch(request: FederationRequest, meta: RequestMeta) {
    const match = this.router.match(request.method, request.path);
    if (match.kind === 'not-found') {
      return errorResponse(new MatrixError('M_UNRECOGNIZED', 'Unrecognized request'));
    }
    if (match.kind === 'wrong-method') {
      const error = new MatrixError('M_UNRECOGNIZED', `Method ${request.method} not allowed`, {
        httpStatus: 405,
      });
      return errorResponse(error, { allow: match.allowed.join(', ') });
    }
    const { route, params } = match;
    const body = readBody(request, route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    const queryStart = request.path.indexOf('?');
    const query = new URLSearchParams(queryStart === -1 ? '' : request.path.slice(queryStart + 1));
    const context: RequestContext = { request, meta, params, query, body };

    const result =
      route.auth === 'x-matrix'
        ? await route.handle({
            ...context,
            ...(await authenticateRequest(
              request,
              body,
              this.options.serverName(),
              this.options.lookupKey,
            )),
          })
        : await route.handle(context);
    return jsonResponse(result.status ?? 200, result.body, result.headers);
  }
}

/** The parsed body, or undefined when there is none. Federation bodies are JSON objects. */
function readBody(request: FederationRequest, maxBytes: number): JsonObject | undefined {
  if (request.body === undefined || request.body.length === 0) return undefined;
  const value = decodeJsonBody(request.body, maxBytes);
  if (!isJsonObject(value)) throw new MatrixError('M_BAD_JSON', 'The body must be a JSON object');
  return value;
}

/** Matched by shape, not class: errors from other modules (the store's) carry the same fields. */
function isMatrixError(error: unknown): error is MatrixError {
  const e = error as { errcode?: unknown; httpStatus?: unknown } | null;
  return typeof e?.errcode === 'string' && typeof e.httpStatus === 'number';
}
