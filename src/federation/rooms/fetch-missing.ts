/**
 * `fetchMissing` for the inbound pipeline over the federation client: the
 * events a `/send` batch cites but this node lacks are asked of the server
 * that sent the batch.
 *
 * Each round (the pipeline runs at most MAX_FETCH_ROUNDS):
 * 1. `POST /get_missing_events/{roomId}` with our forward extremities as
 *    `earliest_events` and the batch events that cite the missing ones as
 *    `latest_events`: the origin walks `prev_events` back to what we have.
 * 2. Fallback, by event ID: every missing event that a walk in an earlier
 *    round did not bring (missing auth events, which the walk never covers,
 *    or a walk that failed) is fetched with `GET /event/{eventId}`, at most
 *    `maxEventFetches` per round. A failed walk falls back at once.
 *
 * Not done: taking the state at a gap from `/state_ids` (and `/state`): the
 * events it names could only be stored as outliers, which the store does not
 * support yet. So a gap deeper than the rounds reach stays a gap: the event
 * above it answers `missing prev events` and is not stored.
 */
import { isJsonObject } from '../../core/json.js';
import type { FetchMissing } from '../../node/inbound/types.js';
import type { FederationClient } from '../client.js';

/** Options for fetchMissingFrom. */
export interface FetchMissingOptions {
  client: Pick<FederationClient, 'request'>;
  /** `limit` of each get_missing_events request; default 50. */
  limit?: number;
  /** At most this many `/event` fetches per round; default 20. */
  maxEventFetches?: number;
  /** Told about each failed request (the fetch goes on without it). */
  onError?: (error: unknown) => void;
}

const V1 = '/_matrix/federation/v1';

/** A FetchMissing that asks `destination` (the transaction's origin). */
export function fetchMissingFrom(destination: string, options: FetchMissingOptions): FetchMissing {
  const { client, limit = 50, maxEventFetches = 20, onError } = options;
  /** Missing IDs a walk was already asked for. */
  const walked = new Set<string>();
  return async ({ roomId, missing, latest, earliest }) => {
    const found: unknown[] = [];
    let walkFailed = false;
    const fresh = missing.filter((id) => !walked.has(id));
    if (fresh.length > 0) {
      try {
        const answer = await client.request(
          destination,
          'POST',
          `${V1}/get_missing_events/${encodeURIComponent(roomId)}`,
          { earliest_events: earliest, latest_events: latest, limit, min_depth: 0 },
        );
        if (Array.isArray(answer.events)) found.push(...answer.events.filter(isJsonObject));
      } catch (error) {
        walkFailed = true;
        onError?.(error);
      }
      for (const id of fresh) walked.add(id);
    }
    const byId = walkFailed ? missing : missing.filter((id) => !fresh.includes(id));
    const fetched = await Promise.all(
      byId.slice(0, maxEventFetches).map(async (id) => {
        try {
          const answer = await client.request(
            destination,
            'GET',
            `${V1}/event/${encodeURIComponent(id)}`,
          );
          const pdus = Array.isArray(answer.pdus) ? answer.pdus.filter(isJsonObject) : [];
          return pdus.slice(0, 1);
        } catch (error) {
          onError?.(error);
          return [];
        }
      }),
    );
    return [...found, ...fetched.flat()];
  };
}
