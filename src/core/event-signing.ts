import { decodeBase64, encodeBase64 } from './base64.js';
import { canonicalJsonBytes } from './canonical-json.js';
import { ed25519Verify } from './crypto/ed25519.js';
import { sha256 } from './crypto/sha256.js';
import { InvalidInputError } from './errors.js';
import { EventEncoding } from './event-encoding.js';
import { contentHash, contentHashOf, withContentHash } from './event-hashes.js';
import { isValidKeyId, isValidServerName, isValidUserId, serverNameOf } from './identifiers.js';
import type { EventId } from './ids.js';
import type { JsonObject } from './json.js';
import { isJsonObject } from './json.js';
import type { Pdu, UnsignedPdu } from './pdu.js';
import { type RoomVersionLike, redact, rulesFor } from './redaction.js';
import { type Signable, signJson, verifyJson } from './signing.js';

/**
 * Signing events and checking received ones (server-server API, "Signing
 * events" and "Validating hashes and signatures on received events").
 *
 * Signing: set `hashes.sha256` to the content hash, redact the event by the
 * room version's rules, sign the redacted form (without `signatures` and
 * `unsigned`), and put the signature on the original, unredacted event.
 *
 * Verifying: redact, check the signatures of the required servers on the
 * redacted form, then compare the content hash. A bad or missing signature
 * rejects the event; good signatures with a content hash that does not match
 * mean the content was tampered with (or the event was redacted on the way),
 * and the redacted form is what must be kept.
 */

/**
 * Looks up a server's public signing key, as raw 32 bytes. `originServerTs`
 * is the event's `origin_server_ts`, so the caller can refuse keys whose
 * `valid_until_ts` is earlier (room versions 5+). Returns undefined when the
 * key is unknown or not valid for that time. May be async (a key fetch).
 */
export type KeyLookup = (
  serverName: string,
  keyId: string,
  originServerTs: number,
) => Uint8Array | undefined | Promise<Uint8Array | undefined>;

/** A KeyLookup over fixed keys: server name → key ID → public key. Ignores validity times. */
export function keyLookupFromMap(
  keys:
    | ReadonlyMap<string, ReadonlyMap<string, Uint8Array>>
    | Record<string, Record<string, Uint8Array>>,
): KeyLookup {
  return (serverName, keyId) => {
    if (keys instanceof Map) return keys.get(serverName)?.get(keyId);
    const record = keys as Record<string, Record<string, Uint8Array>>;
    const server = Object.hasOwn(record, serverName) ? record[serverName] : undefined;
    return server && Object.hasOwn(server, keyId) ? server[keyId] : undefined;
  };
}

/** The outcome of verifyEvent. */
export type VerifyEventResult =
  /** Signatures and content hash check out: keep the event as it came. */
  | { status: 'valid'; pdu: Pdu; eventId: EventId }
  /** Signatures check out but the content hash does not: keep only the redacted form. */
  | { status: 'redacted'; pdu: Pdu; eventId: EventId; reason: string }
  /**
   * A required signature is missing or wrong: drop the event. `eventId` is
   * set when the event could be encoded (it comes for free with the check).
   */
  | { status: 'rejected'; reason: string; eventId?: EventId };

/** Options of verifyEvent. */
export interface VerifyEventOptions {
  /**
   * The PDU's canonical encoding, when the caller has it (validatePduEncoded
   * made one to measure the PDU): reused rather than encoding the event
   * again. Ignored unless it is the encoding of this very `pdu` object.
   */
  encoding?: EventEncoding;
}

/**
 * Hashes and signs `pdu` for `serverName` with `keyId` and the 32-byte Ed25519
 * `seed`. Returns a new PDU: the original content, `hashes.sha256` set, our
 * signature added beside any already there (`unsigned` is kept, unsigned).
 * Async: WebCrypto signs.
 */
export async function signEvent(
  pdu: UnsignedPdu,
  roomVersion: RoomVersionLike,
  serverName: string,
  keyId: string,
  seed: Uint8Array,
): Promise<Pdu> {
  return signHashedEvent(withContentHash(pdu), roomVersion, serverName, keyId, seed);
}

/**
 * signEvent for an event whose `hashes.sha256` the caller has just computed
 * (withContentHash) and not changed since: the content hash is not computed a
 * second time. A node building its own events hashes each one to get its
 * event ID before signing, so this saves one canonical JSON and one SHA-256
 * per local event. Verifiers never take this shortcut.
 */
export async function signHashedEvent(
  pdu: UnsignedPdu & { hashes: Pdu['hashes'] },
  roomVersion: RoomVersionLike,
  serverName: string,
  keyId: string,
  seed: Uint8Array,
): Promise<Pdu> {
  if (!isValidServerName(serverName)) throw new InvalidInputError('Invalid server name');
  if (!isValidKeyId(keyId)) throw new InvalidInputError('Invalid signing key ID');
  const rules = rulesFor(roomVersion);
  const signed = await signJson(redact(pdu, rules) as Signable, serverName, keyId, seed);
  return { ...pdu, signatures: signed.signatures ?? {} } as Pdu;
}

/**
 * True when `event`, redacted by the rules of `roomVersion`, carries a valid
 * signature by `serverName` with `keyId` for `publicKey`. The content hash is
 * not checked. Never throws on malformed events: they verify as false.
 */
export async function verifyEventSignature(
  event: Pdu | UnsignedPdu | JsonObject,
  roomVersion: RoomVersionLike,
  serverName: string,
  keyId: string,
  publicKey: Uint8Array,
): Promise<boolean> {
  const rules = rulesFor(roomVersion);
  let redacted: JsonObject;
  try {
    redacted = redact(event as JsonObject, rules);
  } catch {
    return false;
  }
  return verifyJson(redacted as Signable, serverName, keyId, publicKey);
}

/**
 * The servers whose signatures an event needs: the sender's server and, for a
 * join through a restricted join rule (room versions 8+), the server of the
 * user named in `join_authorised_via_users_server`. Read from the redacted
 * form, which keeps both fields. A string reason when the fields are unusable.
 */
export function requiredSigners(redacted: JsonObject): { servers: string[] } | { error: string } {
  const sender = redacted.sender;
  if (!isValidUserId(sender)) return { error: 'sender is not a valid user ID' };
  const servers = [serverNameOf(sender) as string];
  const content = redacted.content;
  if (
    redacted.type === 'm.room.member' &&
    isJsonObject(content) &&
    content.membership === 'join' &&
    content.join_authorised_via_users_server !== undefined
  ) {
    const via = content.join_authorised_via_users_server;
    if (!isValidUserId(via)) {
      return { error: 'join_authorised_via_users_server is not a valid user ID' };
    }
    const server = serverNameOf(via) as string;
    if (!servers.includes(server)) servers.push(server);
  }
  return { servers };
}

/**
 * Checks a received PDU. `keys` finds public keys (see KeyLookup; build one
 * from fixed keys with keyLookupFromMap). Each required server (requiredSigners)
 * must have at least one `ed25519` signature, under a key the lookup knows,
 * that verifies over the redacted form; signatures under unknown keys are
 * ignored, since anyone relaying an event can add entries to `signatures`.
 * Then the content hash decides between 'valid' and 'redacted'.
 *
 * Errors thrown by `keys` propagate; nothing else throws.
 */
export async function verifyEvent(
  pdu: Pdu,
  roomVersion: RoomVersionLike,
  keys: KeyLookup,
  options: VerifyEventOptions = {},
): Promise<VerifyEventResult> {
  return startVerifyEvent(pdu, roomVersion, keys, options).result;
}

/** A verifyEvent under way: what is known already, and the outcome to come. */
export interface VerificationStarted {
  /**
   * What the event will be if its signatures hold, known before WebCrypto
   * answers: its event ID and the form to keep (the event itself, or its
   * redacted form with the reason when the content hash fails). Undefined
   * when the outcome is a rejection whatever the signatures say.
   */
  provisional?: { eventId: EventId; pdu: Pdu; reason?: string };
  /** Resolves (or rejects) exactly as verifyEvent does. */
  result: Promise<VerifyEventResult>;
}

/**
 * verifyEvent, started: the signature checks are handed to WebCrypto first
 * (before this returns, with a synchronous KeyLookup and a key already
 * imported), then the event ID and the content hash are computed while
 * WebCrypto works, so a caller checking many PDUs keeps the verifications
 * running beside its own work, and may prepare what follows with
 * `provisional` (nothing it does may count until `result` says 'valid' or
 * 'redacted'). The outcome is the same as checking in the spec's order.
 */
export function startVerifyEvent(
  pdu: Pdu,
  roomVersion: RoomVersionLike,
  keys: KeyLookup,
  options: VerifyEventOptions = {},
): VerificationStarted {
  const rules = rulesFor(roomVersion);
  let redacted: Pdu;
  try {
    redacted = redact(pdu, rules);
  } catch (cause) {
    return rejected(`cannot redact the event: ${describe(cause)}`);
  }
  const required = requiredSigners(redacted as JsonObject);
  if ('error' in required) return rejected(required.error);

  // One encoding of the whole event gives both forms below. An event whose
  // unredacted content cannot be encoded is still checked the long way: its
  // redacted form may be signed all the same, and then only the hash fails.
  const encoding = options.encoding?.event === pdu ? options.encoding : tryEncoding(pdu);
  // The bytes every signature covers are also what the reference hash hashes
  // (the redacted event without `signatures` and `unsigned`): computed once,
  // they give both the signature checks and the event ID.
  let signed: Uint8Array;
  try {
    signed =
      encoding === undefined
        ? canonicalJsonBytes(withoutSignatures(redacted))
        : utf8.encode(encoding.canonicalOf(redacted as JsonObject, notSigned));
  } catch (cause) {
    return rejected(`not canonical JSON: ${describe(cause)}`);
  }
  const ts = typeof pdu.origin_server_ts === 'number' ? pdu.origin_server_ts : 0;
  const signatures: unknown = redacted.signatures;
  const checks: Promise<string | undefined>[] = [];
  for (const server of required.servers) {
    checks.push(checkServer(signed, signatures, server, ts, keys));
  }

  // While the signatures are checked: the event ID and the content hash.
  const eventId = `$${encodeBase64(sha256(signed), { urlSafe: true })}` as EventId;
  const hashProblem = checkContentHash(pdu, encoding);
  const provisional: VerificationStarted['provisional'] =
    hashProblem === undefined ? { eventId, pdu } : { eventId, pdu: redacted, reason: hashProblem };
  return { provisional, result: settleChecks(checks, eventId, provisional) };
}

function rejected(reason: string): VerificationStarted {
  return { result: Promise.resolve({ status: 'rejected', reason }) };
}

/**
 * Awaits every server's check, then judges them in the order of the servers,
 * as if they had run one after the other: the first failure (or key lookup
 * error) decides.
 */
async function settleChecks(
  checks: Promise<string | undefined>[],
  eventId: EventId,
  provisional: { eventId: EventId; pdu: Pdu; reason?: string },
): Promise<VerifyEventResult> {
  const outcomes = await Promise.allSettled(checks);
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') throw outcome.reason;
    if (outcome.value !== undefined) return { status: 'rejected', reason: outcome.value, eventId };
  }
  const { pdu, reason } = provisional;
  return reason === undefined
    ? { status: 'valid', pdu, eventId }
    : { status: 'redacted', pdu, eventId, reason };
}

const utf8 = new TextEncoder();

/** The top-level keys a signature does not cover. */
const notSigned: ReadonlySet<string> = new Set(['signatures', 'unsigned']);

function withoutSignatures(object: Pdu): JsonObject {
  const { signatures: _signatures, unsigned: _unsigned, ...rest } = object as JsonObject;
  return rest;
}

function tryEncoding(pdu: Pdu): EventEncoding | undefined {
  try {
    return EventEncoding.of(pdu as JsonObject);
  } catch {
    return undefined;
  }
}

/** Undefined when `pdu` carries its own content hash; otherwise why not. */
function checkContentHash(pdu: Pdu, encoding: EventEncoding | undefined): string | undefined {
  const expected = isJsonObject(pdu.hashes) ? pdu.hashes.sha256 : undefined;
  if (typeof expected !== 'string') return 'no sha256 content hash';
  let actual: string;
  try {
    actual = encoding === undefined ? contentHash(pdu) : contentHashOf(encoding);
  } catch (cause) {
    return `content not hashable: ${describe(cause)}`;
  }
  return actual === expected ? undefined : 'content hash does not match';
}

/** Undefined when `server` signed `signed` (the redacted event's signing bytes); otherwise why not. */
async function checkServer(
  signed: Uint8Array,
  signatures: unknown,
  server: string,
  ts: number,
  keys: KeyLookup,
): Promise<string | undefined> {
  const ours =
    isJsonObject(signatures) && Object.hasOwn(signatures, server) ? signatures[server] : undefined;
  if (!isJsonObject(ours)) return `no signature from ${server}`;
  let sawKnownKey = false;
  for (const keyId of Object.keys(ours)) {
    if (!keyId.startsWith('ed25519:') || typeof ours[keyId] !== 'string') continue;
    // A lookup that answers at once is not awaited, so the verification starts now.
    const found = keys(server, keyId, ts);
    const key = isPromiseLike(found) ? await found : found;
    if (key === undefined) continue;
    sawKnownKey = true;
    if (await verifySignature(ours[keyId] as string, signed, key)) return undefined;
  }
  return sawKnownKey
    ? `bad signature from ${server}`
    : `no signature from ${server} under a known key`;
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/** A malformed signature verifies as false, like a wrong one. */
async function verifySignature(encoded: string, message: Uint8Array, key: Uint8Array) {
  let signature: Uint8Array;
  try {
    signature = decodeBase64(encoded);
  } catch {
    return false;
  }
  return ed25519Verify(signature, message, key);
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
