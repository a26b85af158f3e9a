/**
 * One node's federation, wired together: the TidepoolNode and its store, a
 * KeyRing, a FederationClient and a FederationServer (version, keys, the room
 * endpoints, make_join/send_join, invites, make_leave/send_leave,
 * make_knock/send_knock, the directory and profile queries,
 * publicRooms) over one transport, the OutboundQueue
 * (started on open, stopped on close), and the relay that queues our own
 * events for each room's other servers (local-event-relay.ts). See
 * doc/federation.md, "Joining rooms and the federated node".
 *
 * ```ts
 * const fed = await FederatedNode.open({ node, store, identity, transport, now });
 * network.addNode(name, fed.handle);            // or a libp2p / relay carrier
 * await fed.joinRoom('!room:server', ['server']);
 * await fed.close();                             // the node itself stays open
 * ```
 */

import { MatrixError } from '../core/errors.js';
import { isValidRoomAlias, isValidUserId, serverNameOf } from '../core/identifiers.js';
import type { EventId, RoomId, ServerName } from '../core/ids.js';
import type { Pdu } from '../core/pdu.js';
import type { TidepoolNode } from '../node/node.js';
import type { IdentityRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { FederationClient } from './client.js';
import { publicRoomsRoutes } from './directory/public-rooms-routes.js';
import { queryRoutes } from './directory/query-routes.js';
import { resolveRemoteAlias } from './directory/resolve-alias.js';
import { FederationEdus } from './edu/federation-edus.js';
import { FederationServer } from './federation-server.js';
import { joinThrough } from './join/join-room.js';
import { joinRoutes } from './join/join-routes.js';
import { KeyRing, type NotaryConfig } from './keys/key-ring.js';
import { LocalEventRelay } from './local-event-relay.js';
import { inviteRoute } from './membership/invite-route.js';
import { knockRoutes } from './membership/knock-routes.js';
import { type KnockResult, knockThrough } from './membership/knock-through.js';
import { leaveRoutes } from './membership/leave-routes.js';
import { leaveThrough } from './membership/leave-through.js';
import { inviteRemoteUser } from './membership/send-invite.js';
import type { BackoffPolicy, OutboundTimers } from './outbound/backoff.js';
import type { OutboundEvent } from './outbound/outbound-events.js';
import { OutboundQueue } from './outbound/outbound-queue.js';
import { type BackfillResult, backfillRoom } from './rooms/backfill.js';
import { withRoomAcl } from './rooms/room-acl.js';
import { roomRoutes } from './rooms/room-routes.js';
import type { FederationRequest, FederationTransport, RequestHandler } from './transport.js';

/** What a FederatedNode is built from. */
export interface FederatedNodeOptions {
  /** The node (not owned: `close` leaves it open). */
  node: TidepoolNode;
  /** The node's store: key cache, outbound queue, room reads. */
  store: Store;
  /** Our identity, read per use (key rotations apply at once). */
  identity: () => IdentityRecord;
  /** Carries our requests (memory network now, libp2p later). */
  transport: FederationTransport;
  now: () => number;
  /** Outbound retry timers; default real timers (`clockTimers(clock)` in tests). */
  timers?: OutboundTimers;
  /** In [0, 1), for backoff jitter; default Math.random. */
  random?: () => number;
  backoff?: BackoffPolicy;
  /** Key notaries, asked when a server cannot give its keys itself. */
  notaries?: readonly NotaryConfig[];
  /** Told about deliveries, retries and drops of the outbound queue. */
  onOutboundEvent?: (event: OutboundEvent) => void;
  /** Told about failures: a 500 we answered, a relay or fetch error. */
  onError?: (error: unknown, request?: FederationRequest) => void;
}

/** A TidepoolNode on the federation. */
export class FederatedNode {
  readonly keyRing: KeyRing;
  readonly client: FederationClient;
  readonly server: FederationServer;
  readonly queue: OutboundQueue;
  /** Typing and receipts: received, held, and sent to the room's other servers. */
  readonly edus: FederationEdus;
  private readonly relay: LocalEventRelay;

  private constructor(private readonly options: FederatedNodeOptions) {
    const { node, store, identity, transport, now } = options;
    const onError = options.onError;
    this.client = new FederationClient({ transport, identity });
    const ring: ConstructorParameters<typeof KeyRing>[0] = {
      store,
      client: this.client,
      identity,
      now,
    };
    if (options.notaries !== undefined) ring.notaries = options.notaries;
    this.keyRing = new KeyRing(ring);
    const serverOptions: ConstructorParameters<typeof FederationServer>[0] = {
      identity,
      keyRing: this.keyRing,
      now,
    };
    if (onError !== undefined) serverOptions.onInternalError = onError;
    this.server = new FederationServer(serverOptions);
    const queue: ConstructorParameters<typeof OutboundQueue>[0] = {
      store,
      client: this.client,
      origin: () => identity().serverName,
      now,
    };
    if (options.timers !== undefined) queue.timers = options.timers;
    if (options.random !== undefined) queue.random = options.random;
    if (options.backoff !== undefined) queue.backoff = options.backoff;
    if (options.onOutboundEvent !== undefined) queue.onEvent = options.onOutboundEvent;
    this.queue = new OutboundQueue(queue);
    const serverName = () => identity().serverName;
    this.relay = new LocalEventRelay({
      node,
      store,
      queue: this.queue,
      serverName,
      onError: (error) => onError?.(error),
    });
    const edus: ConstructorParameters<typeof FederationEdus>[0] = {
      store,
      queue: this.queue,
      serverName,
      now,
    };
    if (options.timers !== undefined) edus.timers = options.timers;
    this.edus = new FederationEdus(edus);
    const rooms: Parameters<typeof roomRoutes>[0] = {
      node,
      store,
      client: this.client,
      keyRing: this.keyRing,
      identity,
      now,
      edus: this.edus,
    };
    if (onError !== undefined) rooms.onFetchError = (error) => onError(error);
    for (const route of roomRoutes(rooms)) this.server.register(route);
    const joins = joinRoutes({
      node,
      store,
      keyLookup: this.keyRing.lookup,
      serverName,
      now,
      onJoinAccepted: (roomId, _eventId, pdu, origin) => this.relay.relayJoin(roomId, pdu, origin),
    });
    // make_join and send_join answer 403 to servers the room's ACL denies.
    for (const route of joins) this.server.register(withRoomAcl(route, store));
    // Invites, leaves through us (rejected invites) and knocks: ACL-denied servers get 403.
    const invites = inviteRoute({ node, store, keyLookup: this.keyRing.lookup, identity, now });
    // A leave or knock we accepted for another server goes on to the room's other servers.
    const handshake = {
      node,
      store,
      keyLookup: this.keyRing.lookup,
      serverName,
      now,
      onAccepted: (roomId: RoomId, _eventId: EventId, pdu: Pdu, origin: string) =>
        this.relay.relayJoin(roomId, pdu, origin),
    };
    const leaves = leaveRoutes(handshake);
    const knocks = knockRoutes(handshake);
    for (const route of [invites, ...leaves, ...knocks]) {
      this.server.register(withRoomAcl(route, store));
    }
    for (const route of queryRoutes({ node, store, serverName })) this.server.register(route);
    for (const route of publicRoomsRoutes({ node, store })) this.server.register(route);
  }

  /** Builds the federation of `options.node`, starts its outbound queue and relay. */
  static async open(options: FederatedNodeOptions): Promise<FederatedNode> {
    const federated = new FederatedNode(options);
    await federated.relay.start();
    await federated.queue.start();
    return federated;
  }

  /** Our server name. */
  get serverName(): string {
    return this.options.identity().serverName;
  }

  /** Serves one federation request: give it to every carrier. */
  get handle(): RequestHandler {
    return this.server.handle;
  }

  /**
   * Joins a room on other servers through the first of `via` that lets us in
   * (make_join, send_join, every returned event verified, the room stored);
   * returns the room ID. A room we are joined to already is answered at once.
   * Aliases: ours resolve locally; another server's through its
   * `/query/directory`, then the join goes through the servers it names, the
   * alias's server, then `via`. Fails with JoinFailedError (what each server
   * answered), AliasNotResolvedError, or MatrixError in words.
   */
  async joinRoom(roomIdOrAlias: string, via: readonly string[] = []): Promise<string> {
    const { node, identity, now } = this.options;
    const { roomId, servers } = await this.resolveRoom(roomIdOrAlias);
    const summary = (await node.rooms()).find((room) => room.roomId === roomId);
    if (summary?.membership === 'join') return roomId;
    return joinThrough(
      {
        client: this.client,
        keyLookup: this.keyRing.lookup,
        identity,
        now,
        install: async (joined, resident) => {
          // The resident accepted our join before answering: it needs no copy.
          this.relay.alreadyHeld(joined.join.eventId, [resident]);
          await node.installJoinedRoom(joined);
          // An invite we held for this room is answered: the joined room replaces it.
          await node.removeInvite(joined.roomId);
        },
      },
      roomId,
      [...servers, ...via],
    );
  }

  /**
   * Invites `userId` into `roomId`. A user of ours: `node.invite`. A user of
   * another server: our invite is built without being stored, sent to their
   * server (v2 invite, with the room's stripped state), and stored once it
   * comes back with their server's signature; the relay then sends it to the
   * room's other servers. Returns the invite's event ID. Fails with
   * M_FORBIDDEN in words when the auth rules refuse it, and with
   * MembershipHandshakeError (the remote's errcode) when their server does.
   */
  async invite(roomId: string, userId: string, reason?: string): Promise<string> {
    const { node, store, identity, now } = this.options;
    if (!isValidUserId(userId)) {
      throw new MatrixError('M_INVALID_PARAM', `${String(userId)} is not a valid user ID`);
    }
    if (serverNameOf(userId) === this.serverName) return node.invite(roomId, userId, reason);
    const context = {
      node,
      store,
      client: this.client,
      keyLookup: this.keyRing.lookup,
      identity,
      now,
    };
    return inviteRemoteUser(context, roomId, userId, reason);
  }

  /**
   * Rejects an invite received from another server: make_leave / send_leave
   * through the inviting server (then the room ID's server, for versions
   * 10/11), then the invite is forgotten and the room leaves the room list.
   * M_NOT_FOUND when we hold no such invite; MembershipHandshakeError when no
   * server accepted the leave (the invite is kept then). Returns the leave's
   * event ID.
   */
  async rejectInvite(roomId: string, reason?: string): Promise<string> {
    const { node, identity, now } = this.options;
    const invite = await node.receivedInvite(roomId);
    if (invite === undefined) {
      throw new MatrixError('M_NOT_FOUND', `There is no invite to ${roomId} to reject`);
    }
    const via = [serverNameOf(invite.inviter), serverNameOf(roomId)].filter(
      (server): server is string => server !== undefined,
    );
    const eventId = await leaveThrough({ client: this.client, identity, now }, roomId, via, reason);
    await node.removeInvite(roomId);
    return eventId;
  }

  /**
   * Leaves a room: one we are only invited to through another server
   * (`rejectInvite`), any other with `node.leave`.
   */
  async leave(roomId: string, reason?: string): Promise<string> {
    const { node } = this.options;
    const summary = (await node.rooms()).find((room) => room.roomId === roomId);
    const invite = await node.receivedInvite(roomId);
    if (invite !== undefined && summary?.membership === 'invite') {
      return this.rejectInvite(roomId, reason);
    }
    return node.leave(roomId, reason);
  }

  /**
   * Knocks on a room of other servers (join rule `knock`) through the first
   * of `via` that accepts: make_knock, sign, send_knock. Returns the knock's
   * event ID and the room's stripped state. A member lets us in by inviting
   * us (the invite arrives as any v2 invite); then `joinRoom`.
   * MembershipHandshakeError when no server accepts (M_FORBIDDEN when the
   * room does not take knocks).
   */
  async knock(roomId: string, via: readonly string[], reason?: string): Promise<KnockResult> {
    const { identity, now } = this.options;
    return knockThrough({ client: this.client, identity, now }, roomId, via, reason);
  }

  /**
   * Fetches up to `limit` (1–100) events of the room's history older than the
   * oldest we hold (before our join, say) from its other servers, checks them
   * all and places them before the timeline's oldest event
   * (rooms/backfill.ts). `more` says whether older history may remain.
   */
  async backfill(roomId: string, limit = 50): Promise<BackfillResult> {
    const { node, store, identity, onError } = this.options;
    const context: Parameters<typeof backfillRoom>[0] = {
      node,
      store,
      client: this.client,
      keyLookup: this.keyRing.lookup,
      serverName: () => identity().serverName,
    };
    if (onError !== undefined) context.onError = (error) => onError(error);
    return backfillRoom(context, roomId as RoomId, limit);
  }

  /** Tries `destination` now (a link came up): ends its outbound backoff. */
  wake(destination: string): void {
    this.queue.wake(destination as ServerName);
  }

  /** Resolves when our events heard so far are queued and no destination is sending. */
  async whenIdle(): Promise<void> {
    await this.relay.idle();
    await this.queue.whenIdle();
  }

  /** Stops the relay and the outbound queue (queued items stay stored). The node stays open. */
  async close(): Promise<void> {
    await this.relay.stop();
    await this.relay.idle();
    this.queue.stop();
    this.edus.close();
  }

  /** The room an ID or alias names, and the servers an alias's directory suggests joining through. */
  private async resolveRoom(roomIdOrAlias: string): Promise<{ roomId: string; servers: string[] }> {
    if (typeof roomIdOrAlias !== 'string' || roomIdOrAlias === '') {
      throw new MatrixError('M_INVALID_PARAM', 'A room ID or alias is needed');
    }
    if (!roomIdOrAlias.startsWith('#')) return { roomId: roomIdOrAlias, servers: [] };
    if (!isValidRoomAlias(roomIdOrAlias)) {
      throw new MatrixError('M_INVALID_PARAM', `${roomIdOrAlias} is not a valid room alias`);
    }
    const aliasServer = serverNameOf(roomIdOrAlias)!;
    if (aliasServer !== this.serverName) {
      const resolved = await resolveRemoteAlias(this.client, roomIdOrAlias);
      return { roomId: resolved.roomId, servers: [...resolved.servers, aliasServer] };
    }
    const found = await this.options.store.read(['aliases'], (txn) =>
      txn.aliases.get(roomIdOrAlias),
    );
    if (found !== undefined) return { roomId: found.roomId, servers: [] };
    throw new MatrixError('M_NOT_FOUND', `The alias ${roomIdOrAlias} is not known here`);
  }
}
