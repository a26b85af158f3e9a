/**
 * Turns a Node IncomingMessage into a FederationRequest: the request target
 * byte for byte (X-Matrix signs it), header names lower case with repeated
 * headers joined by `, ` (several X-Matrix Authorization headers are allowed;
 * Node's `req.headers` would drop all but the first), and the body read up to
 * the limit.
 */
import type { IncomingMessage } from 'node:http';
import type { FederationRequest } from '../../src/federation/transport.js';
import { isHopByHop } from './responses.js';

/** The body is over the limit: answer 413 M_TOO_LARGE. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/** The request's headers, lower case, repeated ones joined, hop-by-hop ones and Host left out. */
export function requestHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values === undefined || isHopByHop(name) || name === 'host') continue;
    headers[name] = values.join(', ');
  }
  return headers;
}

/** Reads the body, failing fast on a Content-Length over `maxBytes` and while streaming past it. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    throw new BodyTooLargeError(`body of ${declared} bytes`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new BodyTooLargeError(`body over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** The FederationRequest to forward. */
export async function toFederationRequest(
  req: IncomingMessage,
  maxBodyBytes: number,
): Promise<FederationRequest> {
  const body = await readBody(req, maxBodyBytes);
  const request: FederationRequest = {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: requestHeaders(req),
  };
  if (body.byteLength > 0) request.body = body;
  return request;
}
