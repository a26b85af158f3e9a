import { isJsonObject } from '../json.js';
import type { Pdu } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import { ALLOW, type AuthResult, reject } from './auth-result.js';
import type { AuthState } from './auth-state.js';
import { roomCreator } from './create-event.js';
import { banLevel, inviteLevel, kickLevel, userPowerLevel } from './power-levels.js';
import { thirdPartySignatureMatches } from './third-party-invite.js';

/**
 * Rule 5: `m.room.member` events. The `join_authorised_via_users_server`
 * signature check (5.2) needs the authorising server's keys, so it belongs to
 * the signature checks done on receipt, not here.
 */
export function checkMemberEvent(
  event: Pdu,
  state: AuthState,
  rules: RoomVersionRules,
): AuthResult {
  const target = event.state_key;
  const membership = event.content.membership;
  if (typeof target !== 'string') return reject('m.room.member has no state_key');
  if (typeof membership !== 'string') return reject('m.room.member has no membership');
  switch (membership) {
    case 'join':
      return checkJoin(event, target, state, rules);
    case 'invite':
      return checkInvite(event, target, state, rules);
    case 'leave':
      return checkLeave(event, target, state, rules);
    case 'ban':
      return checkBan(event, target, state, rules);
    case 'knock':
      return checkKnock(event, target, state, rules);
    default:
      return reject(`unknown membership ${membership}`);
  }
}

function level(userId: string, state: AuthState, rules: RoomVersionRules): number {
  return userPowerLevel(userId, state.powerLevels, state.create, rules);
}

/**
 * Rule 5.3.1: the creator's own join straight after the create event. The
 * creator is `content.creator` in v10 and the create sender from v11. The
 * join must also be sent by the creator (the next rule would demand it anyway).
 */
function isCreatorsFirstJoin(
  event: Pdu,
  target: string,
  state: AuthState,
  rules: RoomVersionRules,
) {
  const create = state.create;
  if (create === undefined || event.sender !== target) return false;
  if (roomCreator(create, rules) !== target) return false;
  const prev = event.prev_events;
  if (!Array.isArray(prev) || prev.length !== 1 || typeof prev[0] !== 'string') return false;
  return isCreateEventId(prev[0], event, create, rules);
}

/**
 * Whether `eventId` is the create event's ID. Events carry no ID field, so:
 * in v12 the room ID is the create event ID with `!` for `$`; otherwise an
 * `event_id` the create event carries (v1-style and test fixtures), or the
 * event's own `auth_events` being exactly `[eventId]`: the create event must be
 * among them (checked on receipt), so a sole entry is the create event.
 */
function isCreateEventId(eventId: string, event: Pdu, create: Pdu, rules: RoomVersionRules) {
  if (rules.roomIdIsCreateEventHash) {
    return typeof event.room_id === 'string' && eventId === `$${event.room_id.slice(1)}`;
  }
  if (typeof create.event_id === 'string') return create.event_id === eventId;
  const auth = event.auth_events;
  return Array.isArray(auth) && auth.length === 1 && auth[0] === eventId;
}

function checkJoin(event: Pdu, target: string, state: AuthState, rules: RoomVersionRules) {
  if (isCreatorsFirstJoin(event, target, state, rules)) return ALLOW;
  if (event.sender !== target) return reject('cannot join on behalf of another user');
  const current = state.membership(target);
  if (current === 'ban') return reject('sender is banned');
  const joinRule = state.joinRule;
  if (joinRule === 'invite' || joinRule === 'knock') {
    return current === 'invite' || current === 'join'
      ? ALLOW
      : reject(`join rule ${joinRule} needs an invite`);
  }
  if (
    joinRule === 'restricted' ||
    (joinRule === 'knock_restricted' && rules.knockRestrictedJoinRule)
  ) {
    if (current === 'invite' || current === 'join') return ALLOW;
    const authoriser = event.content.join_authorised_via_users_server;
    if (typeof authoriser !== 'string')
      return reject('restricted join without an authorising user');
    // The authoriser must be in the room and able to invite: a restricted join
    // stands in for an invite they could have sent.
    if (state.membership(authoriser) !== 'join') return reject('authorising user is not joined');
    if (level(authoriser, state, rules) < inviteLevel(state.powerLevels, rules)) {
      return reject('authorising user cannot invite');
    }
    return ALLOW;
  }
  if (joinRule === 'public') return ALLOW;
  return reject(`join rule ${joinRule} does not allow joining`);
}

function checkInvite(event: Pdu, target: string, state: AuthState, rules: RoomVersionRules) {
  const thirdParty = event.content.third_party_invite;
  if (thirdParty !== undefined) return checkThirdPartyInvite(event, target, state);
  if (state.membership(event.sender) !== 'join') return reject('inviter is not joined');
  const current = state.membership(target);
  if (current === 'join' || current === 'ban') return reject(`invitee is already ${current}`);
  if (level(event.sender, state, rules) < inviteLevel(state.powerLevels, rules)) {
    return reject('sender may not invite');
  }
  return ALLOW;
}

/** Rule 5.4.1: an invite that redeems an `m.room.third_party_invite`. */
function checkThirdPartyInvite(event: Pdu, target: string, state: AuthState): AuthResult {
  if (state.membership(target) === 'ban') return reject('invitee is banned');
  const thirdParty = event.content.third_party_invite;
  const signed = isJsonObject(thirdParty) ? thirdParty.signed : undefined;
  if (!isJsonObject(signed)) return reject('third_party_invite has no signed object');
  const { mxid, token } = signed;
  if (typeof mxid !== 'string' || typeof token !== 'string') {
    return reject('third_party_invite.signed needs mxid and token');
  }
  if (mxid !== target) return reject('third_party_invite mxid does not match the state_key');
  const invite = state.get('m.room.third_party_invite', token);
  if (invite === undefined) return reject('no m.room.third_party_invite for this token');
  if (invite.sender !== event.sender) return reject('third-party invite was sent by someone else');
  if (!isJsonObject(invite.content) || !thirdPartySignatureMatches(signed, invite.content)) {
    return reject('third_party_invite signature does not verify');
  }
  return ALLOW;
}

function checkLeave(event: Pdu, target: string, state: AuthState, rules: RoomVersionRules) {
  const current = state.membership(target);
  if (event.sender === target) {
    return current === 'invite' || current === 'join' || current === 'knock'
      ? ALLOW
      : reject(`cannot leave from ${current}`);
  }
  if (state.membership(event.sender) !== 'join') return reject('sender is not joined');
  const senderLevel = level(event.sender, state, rules);
  if (current === 'ban' && senderLevel < banLevel(state.powerLevels, rules)) {
    return reject('sender may not unban');
  }
  if (
    senderLevel >= kickLevel(state.powerLevels, rules) &&
    level(target, state, rules) < senderLevel
  ) {
    return ALLOW;
  }
  return reject('sender may not kick this user');
}

function checkBan(event: Pdu, target: string, state: AuthState, rules: RoomVersionRules) {
  if (state.membership(event.sender) !== 'join') return reject('sender is not joined');
  const senderLevel = level(event.sender, state, rules);
  if (
    senderLevel >= banLevel(state.powerLevels, rules) &&
    level(target, state, rules) < senderLevel
  ) {
    return ALLOW;
  }
  return reject('sender may not ban this user');
}

function checkKnock(event: Pdu, target: string, state: AuthState, rules: RoomVersionRules) {
  const joinRule = state.joinRule;
  if (joinRule !== 'knock' && !(joinRule === 'knock_restricted' && rules.knockRestrictedJoinRule)) {
    return reject(`join rule ${joinRule} does not allow knocking`);
  }
  if (event.sender !== target) return reject('cannot knock on behalf of another user');
  const current = state.membership(target);
  if (current === 'ban' || current === 'invite' || current === 'join') {
    return reject(`cannot knock while ${current}`);
  }
  return ALLOW;
}
