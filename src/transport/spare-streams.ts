/**
 * One opened, protocol-negotiated `/tidepool/federation/1` stream kept ready
 * per connection, so a request does not wait for the stream's setup. Opening a
 * stream costs round trips before the first request byte may go: on WebRTC a
 * new data channel (DCEP open and its ack), then multistream-select's
 * proposal and echo (libp2p 3 always negotiates fully; `negotiateFully:false`
 * is ignored), then a peer store write. Measured between two Chromiums that
 * was ~6.5 of a bare request's ~10 ms. A spare stream still carries exactly
 * one request and one response, in the same frames: it is only opened earlier,
 * once the previous request on the connection has its response.
 */
import type { Connection, Stream } from '@libp2p/interface';

/**
 * Older spares are closed instead of used: libp2p aborts a stream after 120 s
 * without traffic, and a stream idle that long is likelier to have been lost.
 */
const MAX_SPARE_AGE_MS = 20_000;

interface Spare {
  /** Set once opened; undefined while opening or after it failed. */
  stream?: Stream;
  settled: boolean;
  /** Resolves when the opening settles, either way. */
  ready: Promise<void>;
  openedAt: number;
}

/**
 * How long a request waits for a spare still opening before it opens its
 * own. A spare started earlier is ready sooner than a new stream would be
 * (back-to-back transactions ask again a few ms after each answer, before
 * the spare opened since is ready); the bound keeps a stuck opening from
 * holding the request.
 */
const SPARE_WAIT_MS = 25;

function usable(stream: Stream, connection: Connection): boolean {
  return (
    connection.status === 'open' &&
    stream.status === 'open' &&
    stream.writeStatus === 'writable' &&
    stream.readStatus === 'readable' &&
    stream.remoteReadStatus === 'readable'
  );
}

export class SpareStreams {
  private readonly spares = new WeakMap<Connection, Spare>();

  constructor(
    /** Opens and negotiates a new stream on `connection`. */
    private readonly open: (connection: Connection, signal: AbortSignal) => Promise<Stream>,
    /** How long opening a spare may take. */
    private readonly openTimeoutMs: number,
  ) {}

  /**
   * A stream for one request on `connection`: the spare if it is ready and
   * sound, else a new one. A spare still opening is waited for a little
   * (SPARE_WAIT_MS); a used or failed one is replaced.
   */
  async take(connection: Connection, signal: AbortSignal): Promise<Stream> {
    const spare = this.spares.get(connection);
    if (spare !== undefined && !spare.settled) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SPARE_WAIT_MS);
      });
      await Promise.race([spare.ready, waited]);
      clearTimeout(timer);
      // Another request may have taken it meanwhile.
      if (this.spares.get(connection) !== spare) return await this.open(connection, signal);
    }
    if (spare?.settled) {
      this.spares.delete(connection);
      const { stream } = spare;
      if (stream) {
        const fresh = Date.now() - spare.openedAt < MAX_SPARE_AGE_MS;
        if (fresh && usable(stream, connection)) return stream;
        stream.abort(new Error('Stale spare stream'));
      }
    }
    return await this.open(connection, signal);
  }

  /**
   * Starts opening the spare for `connection` if it has none. Called once a
   * request's response is in: opening it during the request would compete
   * with the request for both ends' event loops.
   */
  refill(connection: Connection): void {
    if (connection.status !== 'open' || this.spares.has(connection)) return;
    const opening = this.open(connection, AbortSignal.timeout(this.openTimeoutMs));
    const spare: Spare = {
      settled: false,
      openedAt: Date.now(),
      ready: opening.then(
        (stream) => {
          spare.stream = stream;
          spare.settled = true;
          // Given up on meanwhile (a request stopped waiting): not left open.
          if (this.spares.get(connection) !== spare) stream.abort(new Error('Unused spare stream'));
        },
        () => {
          spare.settled = true;
        },
      ),
    };
    this.spares.set(connection, spare);
  }
}
