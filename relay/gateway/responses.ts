/**
 * Writing gateway answers on a Node ServerResponse: the node's response as it
 * came, or a Matrix error of the gateway's own (`{errcode, error}`, JSON).
 */
import type { ServerResponse } from 'node:http';
import type { Errcode } from '../../src/core/errors.js';
import type { FederationResponse } from '../../src/federation/transport.js';

/**
 * Connection-level headers (RFC 9110 §7.6.1) describe one HTTP hop, not the
 * message: the frames never had them, and a node that sends one would corrupt
 * our framing, so they are the only headers not passed through.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
]);

/** True for headers that belong to one hop only. */
export function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name.toLowerCase());
}

/** Writes a forwarded response: status, headers and body bytes unchanged. */
export function sendResponse(res: ServerResponse, response: FederationResponse): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) {
    if (!isHopByHop(name)) res.setHeader(name, value);
  }
  res.setHeader('content-length', response.body.byteLength);
  res.end(response.body);
}

/** Writes a JSON body. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', bytes.byteLength);
  res.end(bytes);
}

/** Writes the gateway's own Matrix error. */
export function sendError(
  res: ServerResponse,
  status: number,
  errcode: Errcode,
  error: string,
  extra: Record<string, unknown> = {},
): void {
  sendJson(res, status, { errcode, error, ...extra });
}

/** The raw bytes of a 400 for a request Node's parser refused (no ServerResponse exists then). */
export function rawBadRequest(status: 400 | 431, reason: string): string {
  const body = JSON.stringify({ errcode: 'M_UNRECOGNIZED', error: reason });
  const text = status === 400 ? 'Bad Request' : 'Request Header Fields Too Large';
  return (
    `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}
