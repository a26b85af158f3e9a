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
 * When the rounds cannot close a gap, `gapFetcherFrom` gives the pipeline
 * the state before the event above it: `GET /state_ids?event_id=` for the
 * IDs, then the events this node lacks — by `GET /event` when they are few,
 * else in one `GET /state?event_id=` (the state and its whole auth chain).
 * The pipeline keeps them as outliers (src/node/inbound/gap-state.ts).
 */
import type { EventId } from '../../core/ids.js';
import { isJsonObject, type JsonObject } from '../../core/json.js';
import type { FetchMissing, GapFetcher } from '../../node/inbound/types.js';
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
    const fetched = await eventsById(destination, client, byId.slice(0, maxEventFetches), onError);
    return [...found, ...fetched];
  };
}

/** Above this many events lacking, the gap fetcher asks one `/state` instead of `/event` each. */
export const MAX_GAP_EVENT_FETCHES = 10;

/** A GapFetcher that asks `destination` (the server that sent the event above the gap). */
export function gapFetcherFrom(
  destination: string,
  options: Pick<FetchMissingOptions, 'client' | 'onError'>,
): GapFetcher {
  const { client, onError } = options;
  const at = (path: string, roomId: string, eventId: string) =>
    `${V1}/${path}/${encodeURIComponent(roomId)}?event_id=${encodeURIComponent(eventId)}`;
  return {
    stateIdsBefore: async (roomId, eventId) => {
      try {
        const answer = await client.request(destination, 'GET', at('state_ids', roomId, eventId));
        const stateIds = stringsOf(answer.pdu_ids);
        const authChainIds = stringsOf(answer.auth_chain_ids);
        if (stateIds === undefined || authChainIds === undefined) return undefined;
        return { stateIds, authChainIds };
      } catch (error) {
        onError?.(error);
        return undefined;
      }
    },
    events: async (roomId, eventId, ids) => {
      if (ids.length <= MAX_GAP_EVENT_FETCHES) return eventsById(destination, client, ids, onError);
      try {
        const answer = await client.request(destination, 'GET', at('state', roomId, eventId));
        return [...objectsOf(answer.pdus), ...objectsOf(answer.auth_chain)];
      } catch (error) {
        onError?.(error);
        return eventsById(destination, client, ids.slice(0, MAX_GAP_EVENT_FETCHES), onError);
      }
    },
  };
}

/** `GET /event/{id}` for each of `ids` at once; failures are reported and left out. */
async function eventsById(
  destination: string,
  client: FetchMissingOptions['client'],
  ids: readonly string[],
  onError: ((error: unknown) => void) | undefined,
): Promise<JsonObject[]> {
  const fetched = await Promise.all(
    ids.map(async (id) => {
      try {
        const answer = await client.request(
          destination,
          'GET',
          `${V1}/event/${encodeURIComponent(id)}`,
        );
        return objectsOf(answer.pdus).slice(0, 1);
      } catch (error) {
        onError?.(error);
        return [];
      }
    }),
  );
  return fetched.flat();
}

function objectsOf(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

function stringsOf(value: unknown): EventId[] | undefined {
  if (!Array.isArray(value) || !value.every((id) => typeof id === 'string')) return undefined;
  return value as EventId[];
}
