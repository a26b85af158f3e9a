/**
 * A raw HTTPS request for tests: exact Host header, method, body, trusting
 * the given CA, so the gateway is seen exactly as a remote server sees it.
 */
import { request } from 'node:https';

/** What came back. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body as JSON (or undefined when it is not JSON). */
  json: Record<string, unknown> | undefined;
}

/** Options of one request. */
export interface RawRequest {
  port: number;
  host: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  ca: string;
  /** SNI and the name the certificate is checked for; default the Host's hostname. */
  servername?: string;
}

/** Sends one request to 127.0.0.1:`port`. */
export function rawHttps(options: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: options.host, ...(options.headers ?? {}) },
        servername: options.servername ?? options.host.replace(/:\d+$/, ''),
        ca: options.ca,
        agent: false,
        signal: AbortSignal.timeout(15_000),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Polls `check` until it returns true (at most `timeoutMs`, then throws). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
