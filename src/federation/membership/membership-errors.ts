/**
 * How a membership handshake with another server fails, for our caller: one
 * MatrixError named `MembershipHandshakeError` with the remote's errcode when
 * it is one of ours (a refusal stays M_FORBIDDEN, a version mismatch
 * M_INCOMPATIBLE_ROOM_VERSION…), M_UNKNOWN with HTTP 502 when the server was
 * unreachable or answered something unusable. The original error is `cause`.
 */
import { type Errcode, MatrixError } from '../../core/errors.js';
import { RemoteMatrixError } from '../remote-errors.js';
import { isTransportError } from '../transport-errors.js';

const PASSED_ON: readonly string[] = [
  'M_FORBIDDEN',
  'M_NOT_FOUND',
  'M_INCOMPATIBLE_ROOM_VERSION',
  'M_UNSUPPORTED_ROOM_VERSION',
  'M_BAD_JSON',
  'M_INVALID_PARAM',
  'M_LIMIT_EXCEEDED',
];

/** A handshake (`action`, e.g. "invite @bob:b") with `server` failed. */
export class MembershipHandshakeError extends MatrixError {
  override name = 'MembershipHandshakeError';
  constructor(
    readonly server: string,
    action: string,
    cause: unknown,
  ) {
    const { errcode, httpStatus, why } = classify(cause);
    super(errcode, `Cannot ${action} through ${server}: ${why}`, { cause, httpStatus });
  }
}

function classify(cause: unknown): { errcode: Errcode; httpStatus: number; why: string } {
  if (cause instanceof RemoteMatrixError) {
    const errcode = (PASSED_ON.includes(cause.errcode) ? cause.errcode : 'M_UNKNOWN') as Errcode;
    return {
      errcode,
      httpStatus: errcode === 'M_UNKNOWN' ? 502 : cause.httpStatus,
      why: cause.message,
    };
  }
  if (isTransportError(cause)) {
    return {
      errcode: 'M_UNKNOWN',
      httpStatus: 502,
      why: `unreachable (${(cause as Error).message})`,
    };
  }
  if (cause instanceof MatrixError) {
    return { errcode: cause.errcode, httpStatus: cause.httpStatus, why: cause.message };
  }
  return {
    errcode: 'M_UNKNOWN',
    httpStatus: 502,
    why: cause instanceof Error ? cause.message : String(cause),
  };
}
