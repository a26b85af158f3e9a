/**
 * Building responses: every body is canonical JSON with content-type
 * application/json; errors use the standard `{errcode, error}` body with the
 * errcode's HTTP status.
 */
import type { MatrixError } from '../../core/errors.js';
import { encodeJson, JSON_CONTENT_TYPE } from '../json-body.js';
import type { FederationResponse } from '../transport.js';

/** A JSON response. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): FederationResponse {
  return {
    status,
    headers: { ...headers, 'content-type': JSON_CONTENT_TYPE },
    body: encodeJson(body),
  };
}

/** The response for a MatrixError: its status and `{errcode, error}`. */
export function errorResponse(
  error: MatrixError,
  headers: Record<string, string> = {},
): FederationResponse {
  return jsonResponse(error.httpStatus, { errcode: error.errcode, error: error.message }, headers);
}

/** 500 M_UNKNOWN, for failures that are bugs; the detail stays in our logs, not the body. */
export function internalErrorResponse(): FederationResponse {
  return jsonResponse(500, { errcode: 'M_UNKNOWN', error: 'Internal server error' });
}
