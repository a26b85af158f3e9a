/**
 * The federation client: sends one request to another server over whatever
 * transport it was given, signed with X-Matrix as our server, and reads the
 * JSON answer strictly. Queueing, batching and retries live above it (the
 * outbound queue); this class does one request.
 */
import { isJsonObject, type JsonObject } from '../core/json.js';
import { buildXMatrix } from '../core/x-matrix.js';
import type { IdentityRecord } from '../store/records.js';
import { decodeJsonBody, encodeJson, JSON_CONTENT_TYPE } from './json-body.js';
import { BadRemoteResponseError, RemoteMatrixError } from './remote-errors.js';
import type { FederationRequest, FederationResponse, FederationTransport } from './transport.js';

/** Responses larger than this are refused unless a request allows more. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** What a FederationClient is built from. */
export interface FederationClientOptions {
  /** Carries the requests. */
  transport: FederationTransport;
  /** Our identity, read at each request, so a key rotation takes effect at once. */
  identity: () => IdentityRecord;
  /** The default response size limit in bytes; default DEFAULT_MAX_RESPONSE_BYTES. */
  maxResponseBytes?: number;
}

/** Per-request options. */
export interface RequestOptions {
  /**
   * Sign with X-Matrix; default true. The key endpoints need no
   * authentication, and the key ring fetches them unsigned.
   */
  sign?: boolean;
  /** This request's response size limit in bytes. */
  maxResponseBytes?: number;
}

/** Sends signed federation requests. */
export class FederationClient {
  private readonly transport: FederationTransport;
  private readonly identity: () => IdentityRecord;
  private readonly maxResponseBytes: number;

  constructor(options: FederationClientOptions) {
    this.transport = options.transport;
    this.identity = options.identity;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  /**
   * Sends `method path` (the request target: path and query string, encoded
   * as it should go on the wire) to `destination`, with `body` as canonical
   * JSON if given, and returns the parsed 2xx JSON object. Rejects with
   * RemoteMatrixError for a non-2xx answer, BadRemoteResponseError for an
   * unusable 2xx one, and the transport's errors when no answer came.
   */
  async request(
    destination: string,
    method: string,
    path: string,
    body?: JsonObject,
    options: RequestOptions = {},
  ): Promise<JsonObject> {
    const request: FederationRequest = { method, path, headers: {} };
    if (body !== undefined) {
      request.body = encodeJson(body);
      request.headers['content-type'] = JSON_CONTENT_TYPE;
    }
    if (options.sign ?? true) {
      const { serverName, signingKey } = this.identity();
      request.headers.authorization = await buildXMatrix(
        { method, uri: path, origin: serverName, destination, content: body },
        signingKey.keyId,
        signingKey.seed,
      );
    }

    const response = await this.transport.request(destination, request);
    const limit = options.maxResponseBytes ?? this.maxResponseBytes;
    const ok = response.status >= 200 && response.status < 300;
    let parsed: unknown;
    try {
      parsed = decodeJsonBody(response.body, limit);
    } catch (cause) {
      if (ok) throw new BadRemoteResponseError(destination, describe(cause), { cause });
      throw new RemoteMatrixError(destination, response.status, 'M_UNKNOWN', 'no JSON error body');
    }
    if (!ok) {
      const errcode =
        isJsonObject(parsed) && typeof parsed.errcode === 'string' ? parsed.errcode : 'M_UNKNOWN';
      const message =
        isJsonObject(parsed) && typeof parsed.error === 'string' ? parsed.error : 'no message';
      const retryAfterMs = response.status === 429 ? retryAfter(parsed, response) : undefined;
      throw new RemoteMatrixError(destination, response.status, errcode, message, retryAfterMs);
    }
    if (!isJsonObject(parsed)) {
      throw new BadRemoteResponseError(destination, 'the body is not a JSON object');
    }
    return parsed;
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * How long a rate-limited answer asks us to wait: the `Retry-After` header (in
 * seconds; the spec's preferred form since v1.10) or the body's older
 * `retry_after_ms`. Undefined when neither is a usable number.
 */
function retryAfter(body: unknown, response: FederationResponse): number | undefined {
  const header = response.headers['retry-after'];
  if (header !== undefined && /^[0-9]{1,9}$/.test(header.trim())) return Number(header) * 1000;
  const ms = isJsonObject(body) ? body.retry_after_ms : undefined;
  return typeof ms === 'number' && Number.isSafeInteger(ms) && ms >= 0 ? ms : undefined;
}
