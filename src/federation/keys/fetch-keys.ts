/**
 * Fetching another server's key document and checking it, directly
 * (`GET /_matrix/key/v2/server`) or through a notary
 * (`POST /_matrix/key/v2/query`). Both return the document with only the
 * origin's signatures, ready to cache and to relay; neither throws for a bad
 * answer, only reports it, since the key ring then tries the next source.
 */
import { isJsonObject } from '../../core/json.js';
import {
  type ServerKeysDoc,
  type VerifiedServerKey,
  verifyServerKeys,
} from '../../core/server-keys.js';
import { verifyJson } from '../../core/signing.js';
import type { FederationClient } from '../client.js';

/** A checked key document and the keys it vouches for. */
export interface FetchedKeys {
  doc: ServerKeysDoc;
  keys: VerifiedServerKey[];
}

/** The outcome of one fetch. */
export type FetchResult = { ok: true; fetched: FetchedKeys } | { ok: false; reason: string };

/** Finds a notary's key, to check its signature; undefined when unknown. */
export type NotaryKeyLookup = (keyId: string) => Promise<Uint8Array | undefined>;

/** Fetches `server`'s own document from it (unsigned: the endpoint needs no auth). */
export async function fetchDirect(
  client: FederationClient,
  server: string,
  now: number,
): Promise<FetchResult> {
  let body: unknown;
  try {
    body = await client.request(server, 'GET', '/_matrix/key/v2/server', undefined, {
      sign: false,
    });
  } catch (error) {
    return { ok: false, reason: `fetch failed: ${(error as Error).message}` };
  }
  return check(body, server, now);
}

/**
 * Asks `notary` for `server`'s keys. An answer counts only if the origin's
 * self-signature checks out (verifyServerKeys) and the notary signed it too
 * with a key `notaryKey` knows. Of several good documents, the one valid
 * longest wins.
 */
export async function fetchViaNotary(
  client: FederationClient,
  notary: string,
  server: string,
  notaryKey: NotaryKeyLookup,
  now: number,
): Promise<FetchResult> {
  let body: unknown;
  try {
    body = await client.request(notary, 'POST', '/_matrix/key/v2/query', {
      server_keys: { [server]: {} },
    });
  } catch (error) {
    return { ok: false, reason: `notary ${notary} failed: ${(error as Error).message}` };
  }
  const docs = isJsonObject(body) && Array.isArray(body.server_keys) ? body.server_keys : [];
  let best: FetchedKeys | undefined;
  let reason = `notary ${notary} returned no keys for ${server}`;
  for (const doc of docs) {
    if (!isJsonObject(doc) || doc.server_name !== server) continue;
    if (!(await notarySigned(doc, notary, notaryKey))) {
      reason = `notary ${notary} did not sign its answer with a key we know`;
      continue;
    }
    const result = await check(doc, server, now);
    if (!result.ok) {
      reason = result.reason;
      continue;
    }
    if (best === undefined || result.fetched.doc.valid_until_ts > best.doc.valid_until_ts) {
      best = result.fetched;
    }
  }
  return best === undefined ? { ok: false, reason } : { ok: true, fetched: best };
}

async function notarySigned(
  doc: Record<string, unknown>,
  notary: string,
  notaryKey: NotaryKeyLookup,
): Promise<boolean> {
  const signatures = isJsonObject(doc.signatures) ? doc.signatures[notary] : undefined;
  if (!isJsonObject(signatures)) return false;
  for (const keyId of Object.keys(signatures)) {
    const key = await notaryKey(keyId);
    if (key !== undefined && (await verifyJson(doc, notary, keyId, key))) return true;
  }
  return false;
}

/** Verifies `body` as `server`'s document and keeps only its own signatures. */
async function check(body: unknown, server: string, now: number): Promise<FetchResult> {
  const verified = await verifyServerKeys(body, server, now);
  if (!verified.ok) return { ok: false, reason: `${server}'s keys: ${verified.reason}` };
  const doc = body as ServerKeysDoc;
  const own = doc.signatures[server];
  return {
    ok: true,
    fetched: { doc: { ...doc, signatures: own ? { [server]: own } : {} }, keys: verified.keys },
  };
}
