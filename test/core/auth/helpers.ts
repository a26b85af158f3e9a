import type { JsonObject } from '../../../src/core/json.js';
import type { Pdu } from '../../../src/core/pdu.js';

/** A PDU with the fields the authorization rules read; the rest is filler. */
export function pdu(fields: Partial<Pdu> & { type: string; sender: string }): Pdu {
  return {
    auth_events: [],
    content: {},
    depth: 1,
    hashes: { sha256: '' },
    origin_server_ts: 0,
    prev_events: [],
    ...fields,
  };
}

/** A state event in `roomId`. */
export function state(
  roomId: string | undefined,
  type: string,
  stateKey: string,
  sender: string,
  content: JsonObject,
): Pdu {
  return pdu({
    type,
    state_key: stateKey,
    sender,
    content,
    ...(roomId === undefined ? {} : { room_id: roomId }),
  });
}

/** A member event in `roomId` for `userId`, sent by them unless `sender` says otherwise. */
export function member(
  roomId: string,
  userId: string,
  membership: string,
  sender = userId,
  extra: JsonObject = {},
): Pdu {
  return state(roomId, 'm.room.member', userId, sender, { membership, ...extra });
}
