import { UnsupportedRoomVersionError } from './errors.js';

/**
 * Room versions as data: each version is the previous one plus the flags that
 * changed. Code branches on a flag, never on a version string.
 */
export interface RoomVersionRules {
  /** The version string as it appears in `m.room.create`. */
  readonly id: RoomVersionId;
  /** State resolution algorithm: v2 (rooms 2–11) or v2.1 (room 12, MSC4297). */
  readonly stateRes: 'v2' | 'v2.1';
  /** v10+: `knock_restricted` join rule exists. */
  readonly knockRestrictedJoinRule: boolean;
  /** v10+: power level values must be integers, not strings. */
  readonly integerPowerLevels: boolean;
  /** v11+: the create event has no `creator`; its sender is the creator. */
  readonly roomCreateSenderIsCreator: boolean;
  /** v11+: `redacts` lives in the content of `m.room.redaction`. */
  readonly redactsInContent: boolean;
  /** v11+: the v11 redaction algorithm (create keeps its content, PL keeps `invite`, ...). */
  readonly redactionV11: boolean;
  /** v12+: the room ID is `!` + the create event's reference hash; the create event has no `room_id`. */
  readonly roomIdIsCreateEventHash: boolean;
  /** v12+: the create event is never listed in `auth_events` (the room ID implies it). */
  readonly createEventImpliedByRoomId: boolean;
  /** v12+: the create sender and `additional_creators` have infinite power and are not in `users`. */
  readonly privilegedCreators: boolean;
}

/** The room versions this node implements. */
export type RoomVersionId = '10' | '11' | '12';

const v10: RoomVersionRules = {
  id: '10',
  stateRes: 'v2',
  knockRestrictedJoinRule: true,
  integerPowerLevels: true,
  roomCreateSenderIsCreator: false,
  redactsInContent: false,
  redactionV11: false,
  roomIdIsCreateEventHash: false,
  createEventImpliedByRoomId: false,
  privilegedCreators: false,
};

const v11: RoomVersionRules = {
  ...v10,
  id: '11',
  roomCreateSenderIsCreator: true,
  redactsInContent: true,
  redactionV11: true,
};

const v12: RoomVersionRules = {
  ...v11,
  id: '12',
  stateRes: 'v2.1',
  roomIdIsCreateEventHash: true,
  createEventImpliedByRoomId: true,
  privilegedCreators: true,
};

const known: Readonly<Record<RoomVersionId, RoomVersionRules>> = {
  '10': v10,
  '11': v11,
  '12': v12,
};

/** The version new rooms get. */
export const DEFAULT_ROOM_VERSION: RoomVersionId = '12';

/** Every supported version, oldest first. */
export const SUPPORTED_ROOM_VERSIONS: readonly RoomVersionId[] = ['10', '11', '12'];

/** True when `version` is one this node implements. */
export function isSupportedRoomVersion(version: unknown): version is RoomVersionId {
  return typeof version === 'string' && Object.hasOwn(known, version);
}

/** The rules for `version`, or UnsupportedRoomVersionError (M_UNSUPPORTED_ROOM_VERSION). */
export function roomVersionRules(version: string): RoomVersionRules {
  if (!isSupportedRoomVersion(version)) throw new UnsupportedRoomVersionError(version);
  return known[version];
}
