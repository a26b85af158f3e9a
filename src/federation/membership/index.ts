/** Invites, leaves and knocks across servers: the routes we serve and the handshakes we start. */
export { type InviteRouteOptions, inviteRoute } from './invite-route.js';
export { type KnockRoutesOptions, knockRoutes } from './knock-routes.js';
export { type KnockResult, knockThrough } from './knock-through.js';
export { type LeaveRoutesOptions, leaveRoutes } from './leave-routes.js';
export { type LeaveThroughContext, leaveThrough } from './leave-through.js';
export {
  type SignedMemberEvent,
  signMemberFromTemplate,
  type TemplateFacts,
} from './member-event.js';
export { MembershipHandshakeError } from './membership-errors.js';
export { inviteRemoteUser, type SendInviteContext } from './send-invite.js';
export { signedBy } from './server-signature.js';
