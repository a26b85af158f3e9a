/**
 * Typed errors that carry a Matrix errcode. They cross the worker boundary
 * (comlink keeps only `name` and `message`), so callers match on `name` and
 * `errcode`, never on `instanceof`.
 */

/** The errcodes the core and node raise. */
export type Errcode =
  | 'M_BAD_JSON'
  | 'M_NOT_JSON'
  | 'M_TOO_LARGE'
  | 'M_FORBIDDEN'
  | 'M_UNAUTHORIZED'
  | 'M_MISSING_PARAM'
  | 'M_INVALID_PARAM'
  | 'M_NOT_FOUND'
  | 'M_UNSUPPORTED_ROOM_VERSION'
  | 'M_INCOMPATIBLE_ROOM_VERSION'
  | 'M_LIMIT_EXCEEDED'
  | 'M_UNRECOGNIZED'
  | 'M_UNKNOWN';

/** The HTTP status the server-server API pairs with each errcode by default. */
const defaultStatus: Record<Errcode, number> = {
  M_BAD_JSON: 400,
  M_NOT_JSON: 400,
  M_TOO_LARGE: 413,
  M_FORBIDDEN: 403,
  M_UNAUTHORIZED: 401,
  M_MISSING_PARAM: 400,
  M_INVALID_PARAM: 400,
  M_NOT_FOUND: 404,
  M_UNSUPPORTED_ROOM_VERSION: 400,
  M_INCOMPATIBLE_ROOM_VERSION: 400,
  M_LIMIT_EXCEEDED: 429,
  M_UNRECOGNIZED: 404,
  M_UNKNOWN: 500,
};

/** Options shared by every MatrixError. */
export interface MatrixErrorOptions {
  /** The HTTP status to answer with; defaults to the errcode's usual one. */
  httpStatus?: number;
  /** The underlying failure, kept for debugging. */
  cause?: unknown;
}

/** Base class: an error the spec has an errcode for. */
export class MatrixError extends Error {
  override name = 'MatrixError';
  readonly errcode: Errcode;
  readonly httpStatus: number;

  constructor(errcode: Errcode, message: string, options: MatrixErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.errcode = errcode;
    this.httpStatus = options.httpStatus ?? defaultStatus[errcode];
  }

  /** The standard error body: `{"errcode": ..., "error": ...}`. */
  toJSON(): { errcode: Errcode; error: string } {
    return { errcode: this.errcode, error: this.message };
  }
}

/** A value that canonical JSON cannot represent (floats, big integers, undefined...). */
export class CanonicalJsonError extends MatrixError {
  override name = 'CanonicalJsonError';
  constructor(message: string, options: MatrixErrorOptions = {}) {
    super('M_BAD_JSON', message, options);
  }
}

/** Text that is not JSON at all. */
export class NotJsonError extends MatrixError {
  override name = 'NotJsonError';
  constructor(message: string, options: MatrixErrorOptions = {}) {
    super('M_NOT_JSON', message, options);
  }
}

/** A PDU whose shape, types, identifiers or size break the spec's rules. */
export class PduValidationError extends MatrixError {
  override name = 'PduValidationError';
  constructor(
    errcode: 'M_BAD_JSON' | 'M_TOO_LARGE',
    message: string,
    options: MatrixErrorOptions = {},
  ) {
    super(errcode, message, options);
  }
}

/** A room version this node does not implement. */
export class UnsupportedRoomVersionError extends MatrixError {
  override name = 'UnsupportedRoomVersionError';
  constructor(version: string) {
    super('M_UNSUPPORTED_ROOM_VERSION', `Room version ${JSON.stringify(version)} is not supported`);
  }
}

/** A request whose X-Matrix authorization is missing, malformed or wrongly signed. */
export class XMatrixError extends MatrixError {
  override name = 'XMatrixError';
  constructor(message: string, options: MatrixErrorOptions = {}) {
    super('M_UNAUTHORIZED', message, options);
  }
}

/** Bad input to a core function (a malformed key, a wrong-length seed...). */
export class InvalidInputError extends MatrixError {
  override name = 'InvalidInputError';
  constructor(message: string, options: MatrixErrorOptions = {}) {
    super('M_INVALID_PARAM', message, options);
  }
}
