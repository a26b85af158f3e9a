/**
 * Wraps a re-read so that a burst of node changes costs at most one read in
 * flight and one after it, not one read per change: a node receiving a
 * thousand events a second must not have the UI ask for a thousand room lists.
 */
export function coalesce(read: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  return () => {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await read();
        } while (again);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
}
