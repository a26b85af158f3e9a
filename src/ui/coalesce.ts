/**
 * Wraps a re-read so that a burst of node changes costs at most one read in
 * flight and one after it, not one read per change: a node receiving a
 * thousand events a second must not have the UI ask for a thousand room lists.
 * With `afterMs`, the first read waits that long: a view that need not follow
 * a change at once (the room list) then reads after the work the change set
 * off (the open timeline's read), rather than competing with it.
 */
export function coalesce(
  read: () => Promise<void>,
  options: { afterMs?: number } = {},
): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  const { afterMs } = options;
  return () => {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        // Changes during the wait are all covered by the read after it.
        if (afterMs !== undefined) await new Promise((resolve) => setTimeout(resolve, afterMs));
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
