/**
 * The inviting side of v2 invites, for a user on another server: our invite
 * is built and signed without being stored (src/node/membership/invite-event.ts),
 * sent to the invitee's server with `PUT /_matrix/federation/v2/invite/…`
 * (room version, event, room state), and its answer checked: the same
 * event (every field but `signatures` and `unsigned` as we sent it), our
 * signature intact, the invitee's server's signature valid. Only then is it
 * stored, as our own event through the inbound checks (node.receivePdus),
 * and the relay sends it to the room's other servers as for any local event.
 *
 * What we store is our event with the invitee's server's signatures added,
 * nothing else from the answer: a server that changed `unsigned` or added
 * other fields gets no say in what we keep.
 */
import { canonicalJson } from '../../core/canonical-json.js';
import { MatrixError } from '../../core/errors.js';
import { eventIdFor } from '../../core/event-hashes.js';
import type { KeyLookup } from '../../core/event-signing.js';
import { serverNameOf } from '../../core/identifiers.js';
import type { EventId } from '../../core/ids.js';
import { isJsonObject, type JsonObject } from '../../core/json.js';
import type { Pdu } from '../../core/pdu.js';
import { validatePdu } from '../../core/validate-pdu.js';
import type { InboundReport, ReceiveOptions } from '../../node/inbound/types.js';
import { buildRemoteInvite, type PendingInvite } from '../../node/membership/invite-event.js';
import type { IdentityRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { FederationClient } from '../client.js';
import { MembershipHandshakeError } from './membership-errors.js';
import { signedBy } from './server-signature.js';

/** What sending an invite needs. */
export interface SendInviteContext {
  node: {
    receivePdus(origin: string, pdus: unknown[], options: ReceiveOptions): Promise<InboundReport>;
  };
  store: Store;
  client: Pick<FederationClient, 'request'>;
  /** Event signature keys (KeyRing's `lookup`). */
  keyLookup: KeyLookup;
  identity: () => IdentityRecord;
  now: () => number;
}

/** Invites `userId` (on another server) into `roomId`; returns the invite's event ID. */
export async function inviteRemoteUser(
  ctx: SendInviteContext,
  roomId: string,
  userId: string,
  reason?: string,
): Promise<EventId> {
  const identity = ctx.identity();
  const pending = await buildRemoteInvite(ctx.store, identity, roomId, userId, reason, ctx.now());
  const invitee = serverNameOf(userId)!;
  let countersigned: Pdu;
  try {
    const answer = await ctx.client.request(
      invitee,
      'PUT',
      `/_matrix/federation/v2/invite/${encodeURIComponent(roomId)}/${encodeURIComponent(pending.eventId)}`,
      {
        room_version: pending.rules.id,
        event: pending.pdu as JsonObject,
        invite_room_state: pending.roomState as unknown as JsonObject[],
      },
    );
    countersigned = await checkAnswer(answer, pending, identity.serverName, invitee, ctx.keyLookup);
  } catch (error) {
    throw new MembershipHandshakeError(invitee, `invite ${userId}`, error);
  }
  const report = await ctx.node.receivePdus(identity.serverName, [countersigned], {
    keyLookup: ctx.keyLookup,
  });
  const outcome = report.outcomes[pending.eventId];
  if (outcome?.status === 'accepted' || outcome?.status === 'duplicate') return pending.eventId;
  // The room moved on between building and storing (the invitee joined, we lost our power…).
  throw new MatrixError(
    'M_FORBIDDEN',
    `The invite of ${userId} was signed by ${invitee} but not stored: ${outcome?.status ?? 'not processed'}${outcome?.reason === undefined ? '' : ` (${outcome.reason})`}`,
  );
}

/** Our invite with the invitee's server's signatures, once the answer proves it is our event. */
async function checkAnswer(
  answer: JsonObject,
  pending: PendingInvite,
  us: string,
  invitee: string,
  keyLookup: KeyLookup,
): Promise<Pdu> {
  const bad = (what: string) =>
    new MatrixError('M_BAD_JSON', `${invitee} answered the invite with ${what}`);
  if (!isJsonObject(answer.event)) throw bad('no event');
  let returned: Pdu;
  try {
    returned = validatePdu(answer.event, pending.rules);
  } catch {
    throw bad('an invalid event');
  }
  // Same event ID is not enough: redaction keeps little of a member event's
  // content (a changed `reason` hashes the same). Every field but the
  // signatures (and `unsigned`, which no one signs) must be ours.
  if (
    eventIdFor(returned, pending.rules) !== pending.eventId ||
    signedFields(returned) !== signedFields(pending.pdu)
  ) {
    throw bad('another event');
  }
  if (!(await signedBy(returned, pending.rules, us, keyLookup))) throw bad('our signature broken');
  const theirs = returned.signatures?.[invitee];
  if (theirs === undefined) throw bad(`no signature of ${invitee}`);
  const merged: Pdu = {
    ...pending.pdu,
    signatures: { ...pending.pdu.signatures, [invitee]: theirs },
  };
  if (!(await signedBy(merged, pending.rules, invitee, keyLookup))) {
    throw new MatrixError('M_FORBIDDEN', `${invitee}'s signature on the invite does not verify`);
  }
  return merged;
}

/** The event's fields other than `signatures` and `unsigned`, as canonical JSON. */
function signedFields(pdu: Pdu): string {
  const { signatures: _signatures, unsigned: _unsigned, ...rest } = pdu;
  return canonicalJson(rest);
}
