/**
 * The transport interface: how one federation request and its response travel
 * between two servers. Every carrier implements it (the in-memory network for
 * tests, libp2p streams between browsers, the HTTP relay to ordinary
 * homeservers), so the client and the request server never know which one is
 * in use (DESIGN: "One request handler serves the federation API whatever
 * carried the request").
 */

/** A request exactly as the HTTP API would carry it. */
export interface FederationRequest {
  /** The HTTP method, upper-case (`GET`, `PUT`, ...). */
  method: string;
  /**
   * The request target: the path from `/_matrix/...` on, with `?` and the query
   * string exactly as sent (percent-encoding kept). It is what X-Matrix signs as
   * `uri`, so carriers must pass it through byte for byte.
   */
  path: string;
  /**
   * Header names in lower case. A carrier that receives a header several times
   * joins the values with `, ` (RFC 9110 §5.3, what `fetch`'s Headers does); the
   * auth step splits joined X-Matrix credentials again.
   */
  headers: Record<string, string>;
  /** The raw body; absent (or empty) when the request has none. */
  body?: Uint8Array;
}

/** A response exactly as the HTTP API would carry it. */
export interface FederationResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** What a carrier knows about where a request came from; never used for auth. */
export interface RequestMeta {
  /** A carrier-specific address (`memory:<name>`, a peer ID, an IP), for logs and limits. */
  remoteAddress?: string;
}

/** Serves one request. Implementations answer every request, errors included. */
export type RequestHandler = (
  request: FederationRequest,
  meta: RequestMeta,
) => Promise<FederationResponse>;

/** Sends requests to other servers, by server name. */
export interface FederationTransport {
  /**
   * Sends `request` to `destination` and resolves with its response, whatever
   * its status. Rejects only when no response came: TransportUnreachableError
   * or TransportTimeoutError (both retryable).
   */
  request(destination: string, request: FederationRequest): Promise<FederationResponse>;
}
