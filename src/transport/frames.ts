/**
 * The `/tidepool/federation/1` wire format: one federation request and its
 * response per libp2p stream, carried exactly as HTTP would carry them (DESIGN,
 * "src/transport/"). Both sides write two length-prefixed frames (an unsigned
 * varint length, then the bytes: libp2p's `lpStream`):
 *
 *   request:  head `{"method","path","headers"}` (UTF-8 JSON), then the body
 *   response: head `{"status","headers"}` (UTF-8 JSON), then the body
 *
 * The body frame is always written, empty when there is no body, so a reader
 * never has to guess. The path is the request target byte for byte (X-Matrix
 * signs it) and header names are lower case. The same frames carry the relay's
 * gateway traffic, so the browser, the relay and the tests share this file.
 */
import type { FederationRequest, FederationResponse } from '../federation/transport.js';

/** The libp2p protocol ID of the federation API. */
export const FEDERATION_PROTOCOL = '/tidepool/federation/1';

/**
 * A browser node's requests to ordinary homeservers go to the relay on this
 * protocol: the same frames, and the request head names the server the relay
 * should carry the request to (`"destination"`). The relay resolves that name
 * as the spec says and forwards the request over HTTPS unchanged.
 */
export const FORWARD_PROTOCOL = '/tidepool/forward/1';

/** A head frame is small: method, path and a few headers. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** Matches the request server's body limit with room for its own 413. */
export const MAX_REQUEST_BODY_BYTES = 4 * 1024 * 1024;
/** Matches the federation client's response limit (a send_join of a large room). */
export const MAX_RESPONSE_BODY_BYTES = 32 * 1024 * 1024;

/** A frame broke the format or a limit; the stream is reset, not answered. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/** Reads and writes length-prefixed frames: what `lpStream` from @libp2p/utils gives. */
export interface FrameChannel {
  read(options?: { signal?: AbortSignal }): Promise<{ subarray(): Uint8Array }>;
  writeV(frames: Uint8Array[], options?: { signal?: AbortSignal }): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function parseHead(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.byteLength > MAX_HEAD_BYTES) throw new FrameError('head frame too large');
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    throw new FrameError('head frame is not UTF-8 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FrameError('head frame is not an object');
  }
  return value as Record<string, unknown>;
}

function parseHeaders(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FrameError('headers must be an object');
  }
  const headers: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    if (typeof text !== 'string') throw new FrameError(`header ${name} is not a string`);
    headers[name.toLowerCase()] = text;
  }
  return headers;
}

/** The two frames of a request. */
export function encodeRequest(request: FederationRequest): Uint8Array[] {
  const head = { method: request.method, path: request.path, headers: request.headers };
  return [encoder.encode(JSON.stringify(head)), request.body ?? new Uint8Array(0)];
}

/** A request from its two frames; throws FrameError on anything malformed. */
export function decodeRequest(head: Uint8Array, body: Uint8Array): FederationRequest {
  const fields = parseHead(head);
  const { method, path } = fields;
  if (typeof method !== 'string' || !/^[A-Z]{1,16}$/.test(method)) {
    throw new FrameError('method must be an upper-case token');
  }
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new FrameError('path must start with /');
  }
  if (body.byteLength > MAX_REQUEST_BODY_BYTES) throw new FrameError('request body too large');
  const request: FederationRequest = { method, path, headers: parseHeaders(fields.headers) };
  if (body.byteLength > 0) request.body = body;
  return request;
}

/** The two frames of a request the relay should forward to `destination`. */
export function encodeForwardRequest(
  destination: string,
  request: FederationRequest,
): Uint8Array[] {
  const head = {
    method: request.method,
    path: request.path,
    headers: request.headers,
    destination,
  };
  return [encoder.encode(JSON.stringify(head)), request.body ?? new Uint8Array(0)];
}

/** A forwarded request and its destination; throws FrameError on anything malformed. */
export function decodeForwardRequest(
  head: Uint8Array,
  body: Uint8Array,
): { destination: string; request: FederationRequest } {
  const destination = parseHead(head).destination;
  if (typeof destination !== 'string' || destination === '' || destination.length > 255) {
    throw new FrameError('destination must be a server name');
  }
  return { destination, request: decodeRequest(head, body) };
}

/** The two frames of a response. */
export function encodeResponse(response: FederationResponse): Uint8Array[] {
  const head = { status: response.status, headers: response.headers };
  return [encoder.encode(JSON.stringify(head)), response.body];
}

/** A response from its two frames; throws FrameError on anything malformed. */
export function decodeResponse(head: Uint8Array, body: Uint8Array): FederationResponse {
  const fields = parseHead(head);
  const { status } = fields;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new FrameError('status must be an HTTP status code');
  }
  if (body.byteLength > MAX_RESPONSE_BODY_BYTES) throw new FrameError('response body too large');
  return { status, headers: parseHeaders(fields.headers), body };
}

/** Writes a request's frames in one write. */
export async function writeRequest(
  channel: FrameChannel,
  request: FederationRequest,
  signal?: AbortSignal,
): Promise<void> {
  await channel.writeV(encodeRequest(request), signal ? { signal } : undefined);
}

/** Reads a request's two frames. */
export async function readRequest(
  channel: FrameChannel,
  signal?: AbortSignal,
): Promise<FederationRequest> {
  const options = signal ? { signal } : undefined;
  const head = (await channel.read(options)).subarray();
  const body = (await channel.read(options)).subarray();
  return decodeRequest(head, body);
}

/** Writes a forwarded request's frames in one write. */
export async function writeForwardRequest(
  channel: FrameChannel,
  destination: string,
  request: FederationRequest,
  signal?: AbortSignal,
): Promise<void> {
  await channel.writeV(encodeForwardRequest(destination, request), signal ? { signal } : undefined);
}

/** Reads a forwarded request's two frames. */
export async function readForwardRequest(
  channel: FrameChannel,
  signal?: AbortSignal,
): Promise<{ destination: string; request: FederationRequest }> {
  const options = signal ? { signal } : undefined;
  const head = (await channel.read(options)).subarray();
  const body = (await channel.read(options)).subarray();
  return decodeForwardRequest(head, body);
}

/** Writes a response's frames in one write. */
export async function writeResponse(
  channel: FrameChannel,
  response: FederationResponse,
  signal?: AbortSignal,
): Promise<void> {
  await channel.writeV(encodeResponse(response), signal ? { signal } : undefined);
}

/** Reads a response's two frames. */
export async function readResponse(
  channel: FrameChannel,
  signal?: AbortSignal,
): Promise<FederationResponse> {
  const options = signal ? { signal } : undefined;
  const head = (await channel.read(options)).subarray();
  const body = (await channel.read(options)).subarray();
  return decodeResponse(head, body);
}
