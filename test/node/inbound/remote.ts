/**
 * Inbound test helpers: remote servers with real Ed25519 keys ("remote" seeds),
 * and a builder that signs remote events for a room a TidepoolNode created,
 * choosing prev/auth events the way a remote server would.
 */
import { authEventTypes } from '../../../src/core/auth/auth-event-selection.js';
import { publicKeyFromSeed } from '../../../src/core/crypto/ed25519.js';
import { eventIdFor } from '../../../src/core/event-hashes.js';
import { type KeyLookup, keyLookupFromMap, signEvent } from '../../../src/core/event-signing.js';
import type { EventId } from '../../../src/core/ids.js';
import type { JsonObject } from '../../../src/core/json.js';
import { type Pdu, type StateKey, stateKeyOf, type UnsignedPdu } from '../../../src/core/pdu.js';
import { roomVersionRules } from '../../../src/core/room-versions.js';
import type { TidepoolNode } from '../../../src/node/node.js';
import type { Store } from '../../../src/store/store.js';

/** A remote server: name, signing key ID and seed. */
export interface RemoteServer {
  name: string;
  keyId: string;
  seed: Uint8Array;
}

/** A remote server whose seed is `fill` repeated. */
export function remoteServer(name: string, fill: number): RemoteServer {
  return { name, keyId: 'ed25519:remote', seed: new Uint8Array(32).fill(fill) };
}

/** A key lookup that knows `servers`' keys. */
export function keysOf(...servers: RemoteServer[]): KeyLookup {
  return keyLookupFromMap(
    Object.fromEntries(servers.map((s) => [s.name, { [s.keyId]: publicKeyFromSeed(s.seed) }])),
  );
}

/** What a remote event is made of; prev events default to the builder's last event. */
export interface RemoteSpec {
  type: string;
  sender: string;
  content: JsonObject;
  stateKey?: string;
  prev?: EventId[];
  /** Explicit auth_events (else the selection over the state after the first prev). */
  auth?: EventId[];
  ts?: number;
  /** Extra top-level fields (e.g. `redacts` in v10). */
  extra?: JsonObject;
}

/** A signed remote event. */
export interface Built {
  eventId: EventId;
  pdu: Pdu;
}

/** Builds signed remote events in one room, tracking the state after each. */
export class RemoteRoom {
  private readonly states = new Map<EventId, Map<StateKey, EventId>>();
  private readonly depths = new Map<EventId, number>();
  private ts = 1_800_000_000_000;
  last: EventId | undefined;

  constructor(
    private readonly store: Store,
    readonly roomId: string,
    readonly version: '10' | '11' | '12',
  ) {}

  /** Starts from the room's stored heads (call after local sends). */
  async syncHeads(): Promise<EventId[]> {
    const room = await this.store.read(['rooms'], (txn) => txn.rooms.get(this.roomId as never));
    this.last = room!.heads.at(-1);
    return room!.heads;
  }

  /** Signs an event by `server`. */
  async event(server: RemoteServer, spec: RemoteSpec): Promise<Built> {
    const prev = spec.prev ?? [this.last!];
    const before = await this.stateAfter(prev[0]!);
    const depth = Math.max(...(await Promise.all(prev.map((p) => this.depthOf(p))))) + 1;
    const rules = roomVersionRules(this.version);
    const auth =
      spec.auth ??
      authEventTypes(spec.type, spec.stateKey ?? '', spec.sender, spec.content, rules)
        .map(([type, key]) => before.get(stateKeyOf(type, key)))
        .filter((id): id is EventId => id !== undefined);
    const unsigned: UnsignedPdu = {
      auth_events: auth,
      content: spec.content,
      depth,
      origin_server_ts: spec.ts ?? this.ts++,
      prev_events: prev,
      room_id: this.roomId,
      sender: spec.sender,
      type: spec.type,
      ...spec.extra,
    };
    if (spec.stateKey !== undefined) unsigned.state_key = spec.stateKey;
    const pdu = await signEvent(unsigned, this.version, server.name, server.keyId, server.seed);
    const eventId = eventIdFor(pdu, this.version);
    const after = new Map(before);
    if (spec.stateKey !== undefined) after.set(stateKeyOf(spec.type, spec.stateKey), eventId);
    this.states.set(eventId, after);
    this.depths.set(eventId, depth);
    this.last = eventId;
    return { eventId, pdu };
  }

  private async stateAfter(id: EventId): Promise<Map<StateKey, EventId>> {
    const known = this.states.get(id);
    if (known !== undefined) return known;
    return this.store.read(['events', 'stateGroups'], async (txn) => {
      const group = await txn.events.stateGroupAfter(id);
      return group === undefined ? new Map() : txn.stateGroups.resolve(group);
    });
  }

  private async depthOf(id: EventId): Promise<number> {
    const known = this.depths.get(id);
    if (known !== undefined) return known;
    const record = await this.store.read(['events'], (txn) => txn.events.get(id));
    return record?.depth ?? 0;
  }
}

/** A remote user's join member event content. */
export const join = { membership: 'join' } as const;

/** A signature by the wrong key, claiming `server`'s key ID. */
export function forger(server: RemoteServer): RemoteServer {
  return { ...server, seed: new Uint8Array(32).fill(0xee) };
}

/**
 * A public room created by the node in `t` (room version `version`) with
 * `user` of `server` joined through a join received from `server`.
 */
export async function roomWithRemoteMember(
  t: { node: TidepoolNode; store: Store },
  server: RemoteServer,
  user: string,
  version: '10' | '11' | '12' = '12',
  keyLookup: KeyLookup = keysOf(server),
) {
  const roomId = await t.node.createRoom({ preset: 'public_chat', roomVersion: version });
  const room = new RemoteRoom(t.store, roomId, version);
  await room.syncHeads();
  const joinEvent = await room.event(server, {
    type: 'm.room.member',
    stateKey: user,
    sender: user,
    content: join,
  });
  const report = await t.node.receivePdus(server.name, [joinEvent.pdu], { keyLookup });
  return { roomId, room, joinEvent, report };
}
