/**
 * Errors across the worker boundary. Comlink's own 'throw' handler keeps only
 * `name`, `message` and `stack`; ours also carries a MatrixError's `errcode`
 * and `httpStatus` (and any other own string/number fields such as
 * `existingNode`), so the page can match on `name` and `errcode`. Both sides
 * must install it: the worker serialises, the page deserialises (and the
 * reverse for errors thrown by page-side listeners).
 */
import { type TransferHandler, transferHandlers } from 'comlink';

/** What an error thrown in the worker looks like on the page. */
export interface NodeErrorLike {
  name: string;
  message: string;
  /** The Matrix errcode, e.g. `M_FORBIDDEN`. */
  errcode: string;
  /** The HTTP status the errcode maps to, when the error had one. */
  httpStatus?: number;
}

/** True for an error with a Matrix errcode, in the worker or received from it. */
export function isNodeError(e: unknown): e is NodeErrorLike {
  if (typeof e !== 'object' || e === null) return false;
  const candidate = e as Partial<Record<keyof NodeErrorLike, unknown>>;
  return (
    typeof candidate.name === 'string' &&
    typeof candidate.message === 'string' &&
    typeof candidate.errcode === 'string'
  );
}

/** The wire form of a thrown value. */
type SerializedThrow =
  | { isError: true; value: { name: string; message: string; stack?: string } & ErrorFields }
  | { isError: false; value: unknown };

/** Extra own fields kept: only plain strings and numbers, so they always clone. */
type ErrorFields = Record<string, string | number>;

/** Comlink wraps a thrown value as `{value, [throwMarker]: 0}`; the marker is private. */
type Thrown = { value: unknown };

function errorFields(error: Error): ErrorFields {
  const fields: ErrorFields = {};
  for (const [key, field] of Object.entries(error)) {
    if (typeof field === 'string' || typeof field === 'number') fields[key] = field;
  }
  return fields;
}

let installed = false;

/**
 * Replaces comlink's 'throw' transfer handler with one that keeps errcodes.
 * Idempotent; call it on both sides before the first call crosses.
 */
export function installErrorTransfer(): void {
  if (installed) return;
  const original = transferHandlers.get('throw') as TransferHandler<Thrown, SerializedThrow>;
  const handler: TransferHandler<Thrown, SerializedThrow> = {
    // Recognising comlink's private marker is the original handler's job.
    canHandle: (value): value is Thrown => original.canHandle(value),
    serialize({ value }) {
      if (!(value instanceof Error)) return [{ isError: false, value }, []];
      const serialized = {
        ...errorFields(value),
        name: value.name,
        message: value.message,
        ...(value.stack === undefined ? {} : { stack: value.stack }),
      };
      return [{ isError: true, value: serialized }, []];
    },
    deserialize(serialized) {
      if (serialized.isError)
        throw Object.assign(new Error(serialized.value.message), serialized.value);
      throw serialized.value;
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
  installed = true;
}
