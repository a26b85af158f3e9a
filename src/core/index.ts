/**
 * The protocol core's public face: what the node, the federation layer and
 * outside checks import. Pure and deterministic; the functions that sign or
 * verify are async because WebCrypto is, and their types say so.
 */

export { authEventTypes } from './auth/auth-event-selection.js';
export { type AuthResult, checkAuth } from './auth/check-auth.js';
export { type Base64Options, decodeBase64, encodeBase64 } from './base64.js';
export {
  canonicalJson,
  canonicalJsonBytes,
  MAX_CANONICAL_DEPTH,
  MAX_CANONICAL_INTEGER,
} from './canonical-json.js';
export {
  ed25519Sign,
  ed25519Verify,
  hasWebCryptoEd25519,
  PUBLIC_KEY_LENGTH,
  publicKeyFromSeed,
  SEED_LENGTH,
  SIGNATURE_LENGTH,
} from './crypto/ed25519.js';
export { sha256 } from './crypto/sha256.js';
export {
  CanonicalJsonError,
  type Errcode,
  InvalidInputError,
  MatrixError,
  type MatrixErrorOptions,
  NotJsonError,
  PduValidationError,
  UnsupportedRoomVersionError,
  XMatrixError,
} from './errors.js';
export {
  contentHash,
  eventIdFor,
  referenceHash,
  roomIdForCreate,
  withContentHash,
} from './event-hashes.js';
export {
  type KeyLookup,
  keyLookupFromMap,
  requiredSigners,
  signEvent,
  signHashedEvent,
  type VerifyEventResult,
  verifyEvent,
  verifyEventSignature,
} from './event-signing.js';
export {
  isValidEventId,
  isValidKeyId,
  isValidRoomAlias,
  isValidRoomId,
  isValidServerName,
  isValidUserId,
  serverNameOf,
} from './identifiers.js';
export type { EventId, KeyId, RoomId, ServerName, UserId } from './ids.js';
export { isJsonObject, type JsonObject, type JsonValue } from './json.js';
export {
  isStateEvent,
  type Pdu,
  type Signatures,
  type StateKey,
  splitStateKey,
  stateKeyOf,
  type UnsignedPdu,
} from './pdu.js';
export { type RoomVersionLike, redact, redactContent } from './redaction.js';
export {
  DEFAULT_ROOM_VERSION,
  isSupportedRoomVersion,
  type RoomVersionId,
  type RoomVersionRules,
  roomVersionRules,
  SUPPORTED_ROOM_VERSIONS,
} from './room-versions.js';
export {
  addNotarySignature,
  buildServerKeys,
  MAX_KEY_VALIDITY_MS,
  type ServerKeysDoc,
  type ServerKeysVerification,
  verifyServerKeys,
} from './server-keys.js';
export { type Signable, signedBytes, signJson, verifyJson } from './signing.js';
export { MissingEventError } from './state-res/missing-event-error.js';
export { resolveState } from './state-res/resolve-state.js';
export { parseStrictJson } from './strict-json.js';
export {
  MAX_PDU_BYTES,
  MAX_PDU_NESTING,
  parseAndValidatePdu,
  validatePdu,
} from './validate-pdu.js';
export {
  buildXMatrix,
  parseXMatrix,
  verifyXMatrix,
  type XMatrixIncomingRequest,
  type XMatrixParams,
  type XMatrixRequest,
  xMatrixSignedJson,
} from './x-matrix.js';
