/**
 * One HTTPS request to an address already resolved: TCP to `address:port`,
 * TLS with SNI and certificate checked for `tlsName` (the spec's "valid
 * certificate for the hostname", or the IP literal), the Host header set as
 * resolution decided, the request target and other headers as given.
 */
import { type Agent, request as httpsRequestRaw } from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity } from 'node:tls';
import type { FederationRequest, FederationResponse } from '../../src/federation/transport.js';
import { isHopByHop } from '../gateway/responses.js';
import { OutboundError } from './errors.js';

/** Where and how to connect. */
export interface HttpsTarget {
  /** The IP address to connect to. */
  address: string;
  port: number;
  /** The name the certificate must be valid for (also sent as SNI unless an IP). */
  tlsName: string;
  /** The Host header. */
  hostHeader: string;
}

/** Connection settings shared by every request. */
export interface HttpsSettings {
  /** Extra trusted CA certificates (PEM); default the system's (and NODE_EXTRA_CA_CERTS). */
  ca?: (string | Buffer)[];
  /** Largest response body accepted. */
  maxResponseBytes: number;
  /** Keep-alive connection pool. */
  agent?: Agent;
}

/** Sends `request` to `target`; rejects with OutboundError('unreachable' | 'timeout'). */
export function httpsRequest(
  target: HttpsTarget,
  request: FederationRequest,
  settings: HttpsSettings,
  signal: AbortSignal,
): Promise<FederationResponse> {
  const headers: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!isHopByHop(name) && name !== 'host') headers[name] = value;
  }
  headers.host = target.hostHeader;
  const body = request.body ?? new Uint8Array(0);
  if (body.byteLength > 0 || request.method !== 'GET') headers['content-length'] = body.byteLength;
  const bareName = target.tlsName.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) =>
      reject(
        signal.aborted
          ? new OutboundError('timeout', 'no response in time', { cause: error })
          : new OutboundError('unreachable', `request failed: ${String(error)}`, { cause: error }),
      );
    const req = httpsRequestRaw(
      {
        host: target.address,
        port: target.port,
        method: request.method,
        path: request.path,
        headers,
        ...(isIP(bareName) === 0 ? { servername: bareName } : {}),
        // Node checks the certificate against `servername`, or `host` when absent.
        checkServerIdentity: (_host, cert) => checkServerIdentity(bareName, cert),
        ...(settings.ca ? { ca: settings.ca } : {}),
        ...(settings.agent ? { agent: settings.agent } : { agent: false }),
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (chunk: Buffer) => {
          total += chunk.byteLength;
          if (total > settings.maxResponseBytes) {
            res.destroy(new Error('response body too large'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('end', () => {
          const responseHeaders: Record<string, string> = {};
          for (const [name, values] of Object.entries(res.headersDistinct)) {
            if (values !== undefined && !isHopByHop(name))
              responseHeaders[name] = values.join(', ');
          }
          resolve({
            status: res.statusCode ?? 502,
            headers: responseHeaders,
            body: new Uint8Array(Buffer.concat(chunks)),
          });
        });
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}
