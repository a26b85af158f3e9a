/**
 * Reads of the node where only the newest answer counts: a view asks again
 * when what it shows changes (another room, another session, a node change),
 * and an answer to an older question must not overwrite a newer one, nor its
 * failure show as the view's error.
 */
export class NewestRead {
  #latest = 0;

  /**
   * Runs `read`; `apply` gets its answer and `fail` its error, unless another
   * read started meanwhile. Never rejects.
   */
  async run<T>(
    read: () => Promise<T>,
    apply: (value: T) => void,
    fail: (error: unknown) => void,
  ): Promise<void> {
    const mine = ++this.#latest;
    let value: T;
    try {
      value = await read();
    } catch (error) {
      if (mine === this.#latest) fail(error);
      return;
    }
    if (mine === this.#latest) apply(value);
  }
}
