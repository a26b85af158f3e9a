/**
 * The key endpoints (server-server API, "Retrieving server keys"), all public:
 * `GET /_matrix/key/v2/server` publishes our keys; `GET
 * /_matrix/key/v2/query/{serverName}` and `POST /_matrix/key/v2/query` make
 * us a notary for the keys we hold or can fetch, each document countersigned
 * by us.
 */
import { MatrixError } from '../../core/errors.js';
import { isJsonObject, type JsonObject } from '../../core/json.js';
import { addNotarySignature, type ServerKeysDoc } from '../../core/server-keys.js';
import type { IdentityRecord } from '../../store/records.js';
import type { PublicRoute } from '../server/route.js';
import type { KeyRing } from './key-ring.js';

/**
 * Most servers one notary query may name. Each may cost a fetch, so an
 * unbounded list would let one request make us fetch from anywhere.
 */
export const MAX_NOTARY_QUERY_SERVERS = 100;

/** What the key routes need. */
export interface KeyRoutesOptions {
  keyRing: KeyRing;
  identity: () => IdentityRecord;
  now: () => number;
}

/** The three key endpoints. */
export function keyRoutes(options: KeyRoutesOptions): PublicRoute[] {
  const { keyRing, identity, now } = options;

  /** Documents for `wanted` (server → minimum_valid_until_ts), each signed by us too. */
  async function notarise(wanted: Map<string, number>): Promise<JsonObject> {
    const found = await Promise.all(
      [...wanted].map(([server, minimum]) => keyRing.keysFor(server, minimum)),
    );
    const me = identity();
    const signed = await Promise.all(
      found
        .filter((doc): doc is ServerKeysDoc => doc !== undefined)
        .map((doc) =>
          doc.server_name === me.serverName
            ? doc // already signed by us, with the same key
            : addNotarySignature(doc, me.serverName, me.signingKey.keyId, me.signingKey.seed),
        ),
    );
    return { server_keys: signed as unknown as JsonObject[] };
  }

  return [
    {
      method: 'GET',
      path: '/_matrix/key/v2/server',
      auth: 'none',
      handle: async () => ({ body: (await keyRing.ownKeys()) as unknown as JsonObject }),
    },
    {
      method: 'GET',
      path: '/_matrix/key/v2/query/{serverName}',
      auth: 'none',
      handle: ({ params, query }) => {
        const raw = query.get('minimum_valid_until_ts');
        const minimum = raw === null ? now() : parseTimestamp(raw);
        return notarise(new Map([[params.serverName!, minimum]])).then((body) => ({ body }));
      },
    },
    {
      method: 'POST',
      path: '/_matrix/key/v2/query',
      auth: 'none',
      handle: async ({ body }) => ({ body: await notarise(readBatchQuery(body, now())) }),
    },
  ];
}

/** A query-string timestamp: plain non-negative digits within the safe range. */
function parseTimestamp(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new MatrixError('M_INVALID_PARAM', 'minimum_valid_until_ts must be an integer');
  }
  return value;
}

/**
 * The POST body: `server_keys: {server: {keyId: {minimum_valid_until_ts?}}}`.
 * We return whole documents, so a server's key IDs only matter through the
 * strictest minimum_valid_until_ts among them (now when none is given).
 */
function readBatchQuery(body: JsonObject | undefined, now: number): Map<string, number> {
  const serverKeys = body?.server_keys;
  if (!isJsonObject(serverKeys)) throw new MatrixError('M_BAD_JSON', 'server_keys is missing');
  const servers = Object.entries(serverKeys);
  if (servers.length > MAX_NOTARY_QUERY_SERVERS) {
    throw new MatrixError(
      'M_INVALID_PARAM',
      `At most ${MAX_NOTARY_QUERY_SERVERS} servers per query`,
    );
  }
  const wanted = new Map<string, number>();
  for (const [server, criteria] of servers) {
    if (!isJsonObject(criteria)) throw new MatrixError('M_BAD_JSON', `Bad criteria for ${server}`);
    let minimum: number | undefined;
    for (const [keyId, criterion] of Object.entries(criteria)) {
      const ts = isJsonObject(criterion) ? criterion.minimum_valid_until_ts : undefined;
      if (!isJsonObject(criterion) || (ts !== undefined && !Number.isSafeInteger(ts))) {
        throw new MatrixError('M_BAD_JSON', `Bad criteria for ${server} ${keyId}`);
      }
      if (typeof ts === 'number') minimum = Math.max(minimum ?? ts, ts);
    }
    wanted.set(server, minimum ?? now);
  }
  return wanted;
}
