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
  openedAt: number;
}

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
   * sound, else a new one. A spare still opening is left to finish (waiting
   * for it could cost a timeout); a used or failed one is replaced.
   */
  async take(connection: Connection, signal: AbortSignal): Promise<Stream> {
    const spare = this.spares.get(connection);
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
    const spare: Spare = { settled: false, openedAt: Date.now() };
    this.spares.set(connection, spare);
    this.open(connection, AbortSignal.timeout(this.openTimeoutMs)).then(
      (stream) => {
        spare.stream = stream;
        spare.settled = true;
      },
      () => {
        spare.settled = true;
      },
    );
  }
}
