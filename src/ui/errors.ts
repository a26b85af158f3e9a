/**
 * Turning what the node throws into words. Errors cross comlink as plain
 * objects `{name, message, errcode}` (or as Error instances); the UI shows the
 * message where the user acted, never a stack trace.
 */

/** The parts of a node error the UI reads. */
export interface NodeErrorLike {
  name?: string;
  message?: string;
  /** A Matrix error code, e.g. `M_FORBIDDEN`. */
  errcode?: string;
}

/** Storage failures (errcode M_UNKNOWN) get a hint on top of the node's message. */
const STORAGE_HINTS: Record<string, string> = {
  StoreQuotaError: "This browser's storage for the site is full: free some space and try again.",
  StoreBlockedError: 'The database is blocked by another tab: close the other Tidepool tabs.',
};

/** The words to show for an error thrown by a node API call. */
export function errorText(error: unknown): string {
  if (typeof error === 'string' && error) return error;
  if (typeof error === 'object' && error !== null) {
    const { name, message } = error as NodeErrorLike;
    const text = typeof message === 'string' && message ? message : undefined;
    const hint = typeof name === 'string' ? STORAGE_HINTS[name] : undefined;
    if (text && hint) return `${text} ${hint}`;
    if (text) return text;
    if (hint) return hint;
  }
  return 'Something went wrong, and the node gave no reason.';
}
