import { MatrixError } from '../errors.js';

/**
 * An event that state resolution needs (a state-set entry, an auth event, a
 * power levels event on a mainline) is not in the events given. State
 * resolution must not guess: two servers that skipped different missing events
 * would resolve differently. The caller fetches the event (for example with
 * `/event_auth`) and tries again.
 */
export class MissingEventError extends MatrixError {
  override name = 'MissingEventError';
  /** The event ID that could not be found. */
  readonly eventId: string;

  constructor(eventId: string) {
    super('M_NOT_FOUND', `State resolution needs event ${eventId}, which was not provided`);
    this.eventId = eventId;
  }
}
