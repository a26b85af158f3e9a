/**
 * The room endpoints of one node, ready to register on its FederationServer:
 *
 * ```ts
 * for (const route of roomRoutes({ node, store, client, keyRing, identity, now })) {
 *   server.register(route);
 * }
 * ```
 *
 * `/send` (send-route.ts), `/event`, `/state`, `/state_ids`, `/event_auth`
 * (event-routes.ts), `/backfill`, `/get_missing_events` (history-routes.ts).
 * See doc/federation.md, "Room endpoints".
 */
import type { KeyLookup } from '../../core/event-signing.js';
import type { IdentityRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { FederationClient } from '../client.js';
import type { AuthenticatedRoute } from '../server/route.js';
import { eventRoutes } from './event-routes.js';
import { historyRoutes } from './history-routes.js';
import { type SendRouteOptions, sendRoute } from './send-route.js';

/** What the room endpoints are built from. */
export interface RoomRoutesOptions {
  /** The node that judges and stores inbound PDUs. */
  node: SendRouteOptions['node'];
  /** The node's store, read by the read endpoints. */
  store: Store;
  /** Sends our requests for missing events. */
  client: Pick<FederationClient, 'request'>;
  /** Event signature keys (KeyRing's `lookup`). */
  keyRing: { lookup: KeyLookup };
  /** Our identity, read per request (server name in answers). */
  identity: () => IdentityRecord;
  now: () => number;
  /** Told about failed missing-event fetches (logs). */
  onFetchError?: (error: unknown) => void;
  /** Takes `/send`'s EDUs (a FederationEdus); absent: EDUs are ignored. */
  edus?: SendRouteOptions['edus'];
}

/** Every room endpoint. */
export function roomRoutes(options: RoomRoutesOptions): AuthenticatedRoute[] {
  const { node, store, client, keyRing, identity, now } = options;
  const serverName = () => identity().serverName;
  const fetch: SendRouteOptions['fetch'] = { client };
  if (options.onFetchError !== undefined) fetch.onError = options.onFetchError;
  const send: SendRouteOptions = { node, store, keyLookup: keyRing.lookup, fetch, now };
  if (options.edus !== undefined) send.edus = options.edus;
  return [
    sendRoute(send),
    ...eventRoutes({ store, serverName, now }),
    ...historyRoutes({ store, serverName, now }),
  ];
}
