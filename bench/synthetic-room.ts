import { contentHash, eventIdFor, roomIdForCreate } from '../src/core/event-hashes.js';
import type { JsonObject } from '../src/core/json.js';
import { type Pdu, type StateKey, stateKeyOf } from '../src/core/pdu.js';
import { type RoomVersionId, roomVersionRules } from '../src/core/room-versions.js';

/**
 * A synthetic room for state-resolution benchmarks: many joined members, a
 * chain of power-level changes, then forks that change overlapping state.
 * Events are well-formed (real event IDs and content hashes) but unsigned:
 * state resolution does not look at signatures.
 */
export interface SyntheticRoom {
  roomVersion: RoomVersionId;
  eventsById: Map<string, Pdu>;
  /** The state after the shared history, before the forks. */
  baseState: Map<StateKey, string>;
  /** One state map per fork: the base state plus that fork's changes. */
  forkStates: Map<StateKey, string>[];
}

/** Options for buildSyntheticRoom. */
export interface SyntheticRoomOptions {
  roomVersion: RoomVersionId;
  /** Joined members besides the creator. */
  members: number;
  /** Power-level changes spread through the shared history. */
  powerLevelChanges: number;
  /** Number of forks, each a state set. */
  forks: number;
  /** Members that each fork removes (neighbouring forks overlap by half). */
  leavesPerFork: number;
}

const server = 'bench.example';
const creator = `@creator:${server}`;
const member = (i: number) => `@u${i}:${server}`;

/** Builds the room. Deterministic: the same options give the same events. */
export function buildSyntheticRoom(options: SyntheticRoomOptions): SyntheticRoom {
  const rules = roomVersionRules(options.roomVersion);
  const eventsById = new Map<string, Pdu>();
  const state = new Map<StateKey, string>();
  let ts = 1_700_000_000_000;
  let depth = 0;
  let roomId = '';
  let head: string[] = [];

  const add = (
    type: string,
    sender: string,
    stateKey: string,
    content: JsonObject,
    prev = head,
  ) => {
    const authKeys: StateKey[] = [];
    if (!rules.createEventImpliedByRoomId) authKeys.push(stateKeyOf('m.room.create', ''));
    authKeys.push(stateKeyOf('m.room.power_levels', ''), stateKeyOf('m.room.member', sender));
    if (type === 'm.room.member') {
      authKeys.push(stateKeyOf('m.room.member', stateKey));
      // Auth events selection: join rules only for joins and invites.
      if (content.membership === 'join' || content.membership === 'invite') {
        authKeys.push(stateKeyOf('m.room.join_rules', ''));
      }
    }
    const authEvents = [
      ...new Set(authKeys.map((k) => state.get(k)).filter((id) => id !== undefined)),
    ];
    const pdu: Pdu = {
      auth_events: type === 'm.room.create' ? [] : authEvents,
      content,
      depth: ++depth,
      hashes: { sha256: '' },
      origin_server_ts: ts++,
      prev_events: prev,
      sender,
      state_key: stateKey,
      type,
    };
    if (roomId) pdu.room_id = roomId;
    pdu.hashes.sha256 = contentHash(pdu);
    const id = eventIdFor(pdu, options.roomVersion);
    eventsById.set(id, pdu);
    return id;
  };
  const apply = (type: string, sender: string, stateKey: string, content: JsonObject) => {
    const id = add(type, sender, stateKey, content);
    state.set(stateKeyOf(type, stateKey), id);
    head = [id];
    return id;
  };

  const createContent: JsonObject = { room_version: options.roomVersion };
  if (!rules.roomCreateSenderIsCreator) createContent.creator = creator;
  if (!rules.roomIdIsCreateEventHash) roomId = `!bench:${server}`;
  const createId = apply('m.room.create', creator, '', createContent);
  if (rules.roomIdIsCreateEventHash) roomId = roomIdForCreate(eventsById.get(createId)!);
  apply('m.room.member', creator, creator, { membership: 'join' });
  const users: JsonObject = rules.privilegedCreators ? {} : { [creator]: 100 };
  apply('m.room.power_levels', creator, '', { users: { ...users } });
  apply('m.room.join_rules', creator, '', { join_rule: 'public' });

  const every = Math.max(1, Math.floor(options.members / options.powerLevelChanges));
  for (let i = 0; i < options.members; i++) {
    apply('m.room.member', member(i), member(i), { membership: 'join' });
    if ((i + 1) % every === 0 && i / every < options.powerLevelChanges) {
      users[member(i)] = 50;
      apply('m.room.power_levels', creator, '', { users: { ...users } });
    }
  }

  const baseState = new Map(state);
  const baseHead = head;
  const forkStates: Map<StateKey, string>[] = [];
  for (let f = 0; f < options.forks; f++) {
    state.clear();
    for (const [k, v] of baseState) state.set(k, v);
    head = baseHead;
    apply('m.room.topic', creator, '', { topic: `fork ${f}` });
    apply('m.room.power_levels', creator, '', { users: { ...users, [member(f)]: 75 } });
    const first = (f * options.leavesPerFork) / 2;
    for (let i = first; i < first + options.leavesPerFork; i++) {
      apply('m.room.member', member(i), member(i), { membership: 'leave' });
    }
    forkStates.push(new Map(state));
  }
  return { roomVersion: options.roomVersion, eventsById, baseState, forkStates };
}
