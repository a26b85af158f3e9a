/**
 * The HTTP side's flags and environment variables (doc/relay.md), parsed
 * purely: relay/config.ts passes its own lookup (`--flag` first, then the
 * variable) so both halves of the relay read settings the same way.
 */
import { readFileSync } from 'node:fs';
import type { RateLimit } from '../limits.js';
import type { HttpSideOptions } from './attach.js';

/** The flags this file reads, without `--`; `allow-private-destinations` takes no value. */
export const HTTP_SIDE_FLAGS = [
  'public-port',
  'tls-cert',
  'tls-key',
  'timeout-ms',
  'allow-private-destinations',
  'rate-per-ip',
  'rate-per-peer',
] as const;

/** A setting that does not parse. */
export class HttpSideConfigError extends Error {
  override name = 'HttpSideConfigError';
}

/** Reads a setting: the flag's value (`""` for a bare boolean flag), else the variable's, else undefined. */
export type SettingLookup = (
  flag: (typeof HTTP_SIDE_FLAGS)[number],
  variable: string,
) => string | undefined;

function whole(
  name: string,
  text: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new HttpSideConfigError(
      `${name} must be a whole number from ${min} to ${max}, not "${text}"`,
    );
  }
  return value;
}

/** `burst/perSecond`, e.g. `200/50`. */
function rate(name: string, text: string | undefined): RateLimit | undefined {
  if (text === undefined || text === '') return undefined;
  const match = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(text);
  if (!match || Number(match[1]) < 1 || Number(match[2]) <= 0) {
    throw new HttpSideConfigError(`${name} must be burst/per-second, like 200/50, not "${text}"`);
  }
  return { burst: Number(match[1]), perSecond: Number(match[2]) };
}

/** The HTTP side's options from `lookup`; host and port come from the relay's own `--host`/`--http-port`. */
export function httpSideOptions(
  lookup: SettingLookup,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): HttpSideOptions {
  const options: HttpSideOptions = {};
  const publicPort = whole(
    '--public-port',
    lookup('public-port', 'TIDEPOOL_RELAY_PUBLIC_PORT'),
    1,
    65535,
  );
  if (publicPort !== undefined) options.publicPort = publicPort;
  const timeoutMs = whole(
    '--timeout-ms',
    lookup('timeout-ms', 'TIDEPOOL_RELAY_TIMEOUT_MS'),
    100,
    600_000,
  );
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  const cert = lookup('tls-cert', 'TIDEPOOL_RELAY_TLS_CERT');
  const key = lookup('tls-key', 'TIDEPOOL_RELAY_TLS_KEY');
  if ((cert === undefined) !== (key === undefined)) {
    throw new HttpSideConfigError('--tls-cert and --tls-key go together');
  }
  if (cert !== undefined && key !== undefined)
    options.tls = { cert: readFile(cert), key: readFile(key) };
  const perIp = rate('--rate-per-ip', lookup('rate-per-ip', 'TIDEPOOL_RELAY_RATE_PER_IP'));
  if (perIp) options.perIp = perIp;
  const perPeer = rate('--rate-per-peer', lookup('rate-per-peer', 'TIDEPOOL_RELAY_RATE_PER_PEER'));
  if (perPeer) options.perPeer = perPeer;
  const allow = lookup('allow-private-destinations', 'TIDEPOOL_RELAY_ALLOW_PRIVATE_DESTINATIONS');
  if (allow !== undefined && !['', '1', 'true', '0', 'false'].includes(allow)) {
    throw new HttpSideConfigError(`--allow-private-destinations takes no value, not "${allow}"`);
  }
  options.outbound = {
    allowPrivateDestinations: allow === '' || allow === '1' || allow === 'true',
  };
  return options;
}
