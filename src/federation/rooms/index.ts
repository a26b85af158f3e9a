/** The room endpoints: `/send` and the room read endpoints. See doc/federation.md. */
export { type EventRoutesOptions, eventRoutes } from './event-routes.js';
export { type FetchMissingOptions, fetchMissingFrom } from './fetch-missing.js';
export {
  DEFAULT_MISSING_EVENTS_LIMIT,
  type HistoryRoutesOptions,
  historyRoutes,
  MAX_WALK_EVENTS,
} from './history-routes.js';
export { aclAllows, aclForbidden, requireAclAllows, withRoomAcl } from './room-acl.js';
export { type RoomRoutesOptions, roomRoutes } from './room-routes.js';
export {
  MAX_TRANSACTION_EDUS,
  MAX_TRANSACTION_PDUS,
  SEND_MAX_BODY_BYTES,
  type SendRouteOptions,
  sendRoute,
} from './send-route.js';
export { serverMaySee, type VisibilityFacts } from './server-visibility.js';
