/**
 * The key ring: every other server's signing keys we know, and how we learn
 * more. Our own keys come from the identity; others' from a cache (memory over
 * the store's `serverKeys`), else from the server itself, else from the
 * configured notaries. See doc/federation.md, "Key ring policy".
 */
import { decodeBase64 } from '../../core/base64.js';
import type { KeyLookup } from '../../core/event-signing.js';
import { isValidServerName } from '../../core/identifiers.js';
import type { KeyId, ServerName } from '../../core/ids.js';
import type { ServerKeysDoc } from '../../core/server-keys.js';
import type { XMatrixKeyLookup } from '../../core/x-matrix.js';
import type { IdentityRecord, ServerKeyRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { FederationClient } from '../client.js';
import { type FetchedKeys, type FetchResult, fetchDirect, fetchViaNotary } from './fetch-keys.js';
import { ownKey, ownServerKeys } from './own-keys.js';

/** A server we trust to relay other servers' keys. */
export interface NotaryConfig {
  serverName: string;
  /**
   * Its keys (key ID → unpadded base64), pinned. Without them, the notary's
   * own keys are fetched from it directly and trusted on first use.
   */
  verifyKeys?: Record<string, string>;
}

/** What a KeyRing is built from. */
export interface KeyRingOptions {
  store: Store;
  client: FederationClient;
  identity: () => IdentityRecord;
  now: () => number;
  /** Asked, in order, when a server cannot give its keys itself. Default none. */
  notaries?: readonly NotaryConfig[];
  /**
   * The least time between two fetches of one server's keys, whatever asks
   * (unknown key IDs, expired keys, notary queries). Default one minute: a
   * flood of requests naming unknown keys costs the server one fetch a minute.
   */
  minRefetchIntervalMs?: number;
  /**
   * After a fetch that found no keys (the server unreachable for a moment:
   * a link still being set up, a restart), the least time before the next
   * try, in place of minRefetchIntervalMs; default 5 s. One transient failure
   * must not refuse every request from that server for a whole minute.
   */
  retryAfterFailureMs?: number;
  /** Validity of our own published key list; default OWN_KEYS_VALIDITY_MS. */
  ownKeysValidityMs?: number;
  /** Told why a fetch failed (for logs). */
  onFetchFailure?: (server: string, reasons: string[]) => void;
}

/** Default for KeyRingOptions.minRefetchIntervalMs. */
export const DEFAULT_MIN_REFETCH_INTERVAL_MS = 60_000;
/** Default for KeyRingOptions.retryAfterFailureMs. */
export const DEFAULT_RETRY_AFTER_FAILURE_MS = 5_000;

/** Finds and caches servers' signing keys. */
export class KeyRing {
  private readonly records = new Map<string, Map<string, ServerKeyRecord>>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly docs = new Map<string, ServerKeysDoc>();
  private readonly lastAttempt = new Map<string, number>();
  private readonly refreshing = new Map<string, Promise<void>>();
  private readonly direct = new Map<string, Promise<FetchResult>>();

  constructor(private readonly options: KeyRingOptions) {}

  /**
   * For events: the key if it was valid at `originServerTs` (a current key
   * until its list's valid_until_ts, an old key until its expired_ts).
   * Fetches when the key is unknown or not valid then. Never throws for
   * network failures: the key is then simply unknown.
   */
  readonly lookup: KeyLookup = (serverName, keyId, originServerTs) =>
    this.find(serverName, keyId, originServerTs);

  /** For requests: the key only if it is a current key, valid now. */
  readonly requestKeyLookup: XMatrixKeyLookup = (serverName, keyId) =>
    this.find(serverName, keyId, undefined);

  /** Our own `/_matrix/key/v2/server` document. */
  ownKeys(): Promise<ServerKeysDoc> {
    return ownServerKeys(
      this.options.identity(),
      this.options.now(),
      this.options.ownKeysValidityMs,
    );
  }

  /**
   * `server`'s key document as it signed it, for answering notary queries:
   * ours, or the cached one if valid until `minimumValidUntilTs`, else a fresh
   * fetch; if that fails, the last one we had (the spec asks notaries to keep
   * serving it, so old events still verify), or undefined.
   */
  async keysFor(server: string, minimumValidUntilTs: number): Promise<ServerKeysDoc | undefined> {
    if (server === this.options.identity().serverName) return this.ownKeys();
    const cached = this.docs.get(server);
    if (cached !== undefined && cached.valid_until_ts >= minimumValidUntilTs) return cached;
    await this.refresh(server);
    return this.docs.get(server);
  }

  /**
   * Fetches `server`'s keys unless a fetch is under way (then waits for it)
   * or one started less than minRefetchIntervalMs ago (then does nothing);
   * after a failed fetch, retryAfterFailureMs is the wait instead.
   */
  refresh(server: string): Promise<void> {
    // A name that is not a server name cannot be fetched; do not even try.
    if (!isValidServerName(server)) return Promise.resolve();
    const running = this.refreshing.get(server);
    if (running !== undefined) return running;
    const now = this.options.now();
    const last = this.lastAttempt.get(server);
    const interval = this.options.minRefetchIntervalMs ?? DEFAULT_MIN_REFETCH_INTERVAL_MS;
    if (last !== undefined && now - last < interval) return Promise.resolve();
    this.lastAttempt.set(server, now);
    const work = this.fetchFromAnySource(server)
      .then((found) => {
        if (found) return;
        const retryAfter = this.options.retryAfterFailureMs ?? DEFAULT_RETRY_AFTER_FAILURE_MS;
        // Dated back, so the next try may start retryAfter from now.
        this.lastAttempt.set(server, this.options.now() + retryAfter - interval);
      })
      .finally(() => this.refreshing.delete(server));
    this.refreshing.set(server, work);
    return work;
  }

  private async find(server: string, keyId: string, eventTs: number | undefined) {
    const identity = this.options.identity();
    if (server === identity.serverName) return ownKey(identity, keyId, eventTs);
    const cached = await this.usableKey(server, keyId, eventTs);
    if (cached !== undefined) return cached;
    await this.refresh(server);
    return this.usableKey(server, keyId, eventTs);
  }

  private async usableKey(server: string, keyId: string, eventTs: number | undefined) {
    await this.load(server);
    const record = this.records.get(server)?.get(keyId);
    if (record === undefined) return undefined;
    const usable =
      eventTs === undefined
        ? record.expiredTs === undefined && this.options.now() <= record.validUntilTs
        : eventTs <= (record.expiredTs ?? record.validUntilTs);
    return usable ? decodeBase64(record.publicKey) : undefined;
  }

  /** Reads `server`'s stored keys into memory, once. */
  private load(server: string): Promise<void> {
    let loading = this.loading.get(server);
    if (loading === undefined) {
      loading = this.options.store
        .read(['serverKeys'], (txn) => txn.serverKeys.forServer(server as ServerName))
        .then((stored) => {
          const known = this.records.get(server) ?? new Map<string, ServerKeyRecord>();
          for (const record of stored)
            if (!known.has(record.keyId)) known.set(record.keyId, record);
          this.records.set(server, known);
        });
      // A failed read is retried next time rather than remembered.
      loading.catch(() => this.loading.delete(server));
      this.loading.set(server, loading);
    }
    return loading;
  }

  /** Fetches and saves `server`'s keys from itself or a notary; false if none answered. */
  private async fetchFromAnySource(server: string): Promise<boolean> {
    const reasons: string[] = [];
    const direct = await this.fetchDirectOnce(server);
    if (direct.ok) return true; // fetchDirectOnce saved it
    reasons.push(direct.reason);
    for (const notary of this.options.notaries ?? []) {
      if (notary.serverName === server) continue;
      const result = await fetchViaNotary(
        this.options.client,
        notary.serverName,
        server,
        (keyId) => this.notaryKey(notary, keyId),
        this.options.now(),
      );
      if (result.ok) {
        await this.save(server, result.fetched);
        return true;
      }
      reasons.push(result.reason);
    }
    this.options.onFetchFailure?.(server, reasons);
    return false;
  }

  /** One direct fetch per server at a time (the notary-key path shares it). */
  private fetchDirectOnce(server: string): Promise<FetchResult> {
    let running = this.direct.get(server);
    if (running === undefined) {
      running = fetchDirect(this.options.client, server, this.options.now()).then(async (r) => {
        if (r.ok) await this.save(server, r.fetched);
        return r;
      });
      running.finally(() => this.direct.delete(server)).catch(() => undefined);
      this.direct.set(server, running);
    }
    return running;
  }

  /**
   * A notary's key: pinned, else cached and valid now, else fetched from the
   * notary directly. Never through refresh(): asking a notary for its own
   * keys through itself would wait on itself.
   */
  private async notaryKey(notary: NotaryConfig, keyId: string): Promise<Uint8Array | undefined> {
    if (notary.verifyKeys !== undefined) {
      const pinned = notary.verifyKeys[keyId];
      return pinned === undefined ? undefined : decodeBase64(pinned);
    }
    const cached = await this.usableKey(notary.serverName, keyId, undefined);
    if (cached !== undefined) return cached;
    await this.fetchDirectOnce(notary.serverName);
    return this.usableKey(notary.serverName, keyId, undefined);
  }

  /** Stores what a fetch vouched for (verified already: nothing else is awaited in the write). */
  private async save(server: string, fetched: FetchedKeys): Promise<void> {
    const records: ServerKeyRecord[] = fetched.keys.map((key) => {
      const record: ServerKeyRecord = {
        serverName: server as ServerName,
        keyId: key.keyId as KeyId,
        publicKey: key.publicKeyBase64,
        validUntilTs: key.validUntilTs ?? key.expiredTs ?? 0,
      };
      if (key.expiredTs !== undefined) record.expiredTs = key.expiredTs;
      return record;
    });
    await this.options.store.write(['serverKeys'], async (txn) => {
      for (const record of records) await txn.serverKeys.put(record);
    });
    await this.load(server);
    const known = this.records.get(server) ?? new Map<string, ServerKeyRecord>();
    for (const record of records) known.set(record.keyId, record);
    this.records.set(server, known);
    // The newest answer wins, even if valid for less: it reflects rotations.
    this.docs.set(server, fetched.doc);
  }
}
