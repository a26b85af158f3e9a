/** `GET /_matrix/federation/v1/version`: who we are, for other servers' operators. */
import type { PublicRoute } from './server/route.js';

/** The implementation name we report. */
export const SERVER_IMPLEMENTATION_NAME = 'Tidepool';

/** Tidepool's version, as package.json has it (kept by hand: the browser bundle has no package.json). */
export const TIDEPOOL_VERSION = '0.1.0';

/** The version endpoint, reporting `version`. */
export function versionRoute(version = TIDEPOOL_VERSION): PublicRoute {
  return {
    method: 'GET',
    path: '/_matrix/federation/v1/version',
    auth: 'none',
    handle: () => ({ body: { server: { name: SERVER_IMPLEMENTATION_NAME, version } } }),
  };
}
