/** Errors of the worker host; like every error crossing comlink, matched by `name`. */
import { MatrixError } from '../core/errors.js';

/** A NodeApi call before `open` said ready, or after the node was closed under us. */
export class NodeNotOpenError extends MatrixError {
  override name = 'NodeNotOpenError';
  constructor(message = 'The node is not open: open it first, or reload the page') {
    super('M_UNKNOWN', message, { httpStatus: 503 });
  }
}
