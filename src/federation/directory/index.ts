/** The directory and profile queries and the public room list. See doc/federation.md. */
export {
  type PublicRoomEntry,
  type PublicRoomsQuery,
  publicRoomsPage,
  publishedRooms,
} from './public-rooms.js';
export { type PublicRoomsRoutesOptions, publicRoomsRoutes } from './public-rooms-routes.js';
export { type QueryRoutesOptions, queryRoutes } from './query-routes.js';
export {
  AliasNotResolvedError,
  MAX_ALIAS_SERVERS,
  type ResolvedAlias,
  resolveRemoteAlias,
} from './resolve-alias.js';
