/**
 * The relay's settings: command-line flags first, then environment variables,
 * then safe defaults (everything on 127.0.0.1). Parsing is pure so tests can
 * check it without starting anything.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { HttpSideOptions } from './gateway/attach.js';
import { HTTP_SIDE_FLAGS, HttpSideConfigError, httpSideOptions } from './gateway/http-config.js';

/** Limits the circuit relay server applies (doc/transport.md, "Relay limits"). */
export interface RelayLimits {
  /** Browser nodes that may hold a reservation at once. */
  maxReservations: number;
  /** How long a reservation lasts before the node must renew it, in ms. */
  reservationTtlMs: number;
  /** How long one relayed connection may stay open, in ms. */
  circuitDurationMs: number;
  /** How many bytes one relayed connection may carry (both ways). */
  circuitDataBytes: bigint;
}

/** Everything the relay needs to start. */
export interface RelayConfig {
  /** The address both listeners bind to; 127.0.0.1 unless told otherwise. */
  host: string;
  /** The libp2p WebSocket port browsers dial (0 picks a free port). */
  wsPort: number;
  /** The HTTP port of `/_tidepool/v1/relay` and the gateway (0 picks a free port). */
  httpPort: number;
  /** The domain browser nodes' server names live under. */
  domain: string;
  /** Where the relay's libp2p key is kept, so its peer ID survives restarts. */
  keyFile: string;
  limits: RelayLimits;
  /** The HTTP side's settings besides host and port (relay/gateway/http-config.ts). */
  http: HttpSideOptions;
}

/** A flag or variable that does not parse; the message says which and why. */
export class RelayConfigError extends Error {
  override name = 'RelayConfigError';
}

export const DEFAULT_WS_PORT = 9090;
export const DEFAULT_HTTP_PORT = 8448;

const DEFAULT_LIMITS: RelayLimits = {
  maxReservations: 256,
  reservationTtlMs: 60 * 60 * 1000,
  // A relayed circuit is the fallback when WebRTC fails, so it must carry real
  // federation traffic: generous, but bounded so one pair cannot hog the relay.
  circuitDurationMs: 30 * 60 * 1000,
  circuitDataBytes: 256n * 1024n * 1024n,
};

/** Flags that take no value: present means on (`""`, as httpSideOptions expects). */
const SWITCHES = new Set(['allow-private-destinations']);

function flagValues(argv: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new RelayConfigError(`Unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    if (eq !== -1) {
      values.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    if (SWITCHES.has(arg.slice(2))) {
      values.set(arg.slice(2), '');
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) {
      throw new RelayConfigError(`${arg} needs a value`);
    }
    values.set(arg.slice(2), next);
    i++;
  }
  return values;
}

function port(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new RelayConfigError(`${name} must be a port number from 0 to 65535, not "${text}"`);
  }
  return value;
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new RelayConfigError(`${name} must be a positive whole number, not "${text}"`);
  }
  return value;
}

const KNOWN_FLAGS = new Set([
  'host',
  'ws-port',
  'http-port',
  'domain',
  'key-file',
  'max-reservations',
  'circuit-duration-ms',
  'circuit-data-bytes',
  ...HTTP_SIDE_FLAGS,
]);

/** The HTTP side's options, its errors reworded as ours; certificate paths are relative to `cwd`. */
function httpSide(
  pick: (flag: string, variable: string) => string | undefined,
  cwd: string,
  readFile: (path: string) => string,
): HttpSideOptions {
  try {
    return httpSideOptions(pick, (path) => readFile(resolve(cwd, path)));
  } catch (error) {
    if (error instanceof HttpSideConfigError) throw new RelayConfigError(error.message);
    const reason = error instanceof Error ? error.message : String(error);
    throw new RelayConfigError(`The TLS certificate or key cannot be read: ${reason}`);
  }
}

/**
 * Reads flags (`--ws-port 9090` or `--ws-port=9090`) and `TIDEPOOL_RELAY_*`
 * variables. `readFile` reads the TLS certificate and key (tests pass their own).
 */
export function parseRelayConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): RelayConfig {
  const flags = flagValues(argv);
  for (const name of flags.keys()) {
    if (!KNOWN_FLAGS.has(name)) throw new RelayConfigError(`Unknown flag --${name}`);
  }
  const pick = (flag: string, variable: string) => flags.get(flag) ?? env[variable];
  const domain = pick('domain', 'TIDEPOOL_RELAY_DOMAIN') || 'localhost';
  if (!/^[a-z0-9.-]{1,200}(:[0-9]{1,5})?$/i.test(domain)) {
    throw new RelayConfigError(`--domain must be a DNS name, not "${domain}"`);
  }
  const http = httpSide(pick, cwd, readFile);
  return {
    host: pick('host', 'TIDEPOOL_RELAY_HOST') || '127.0.0.1',
    wsPort: port('--ws-port', pick('ws-port', 'TIDEPOOL_RELAY_WS_PORT'), DEFAULT_WS_PORT),
    httpPort: port('--http-port', pick('http-port', 'TIDEPOOL_RELAY_HTTP_PORT'), DEFAULT_HTTP_PORT),
    domain: domain.toLowerCase(),
    keyFile:
      pick('key-file', 'TIDEPOOL_RELAY_KEY_FILE') || join(cwd, '.tidepool-relay', 'relay-key'),
    limits: {
      ...DEFAULT_LIMITS,
      maxReservations: positive(
        '--max-reservations',
        pick('max-reservations', 'TIDEPOOL_RELAY_MAX_RESERVATIONS'),
        DEFAULT_LIMITS.maxReservations,
      ),
      circuitDurationMs: positive(
        '--circuit-duration-ms',
        pick('circuit-duration-ms', 'TIDEPOOL_RELAY_CIRCUIT_DURATION_MS'),
        DEFAULT_LIMITS.circuitDurationMs,
      ),
      circuitDataBytes: BigInt(
        positive(
          '--circuit-data-bytes',
          pick('circuit-data-bytes', 'TIDEPOOL_RELAY_CIRCUIT_DATA_BYTES'),
          Number(DEFAULT_LIMITS.circuitDataBytes),
        ),
      ),
    },
    http,
  };
}
