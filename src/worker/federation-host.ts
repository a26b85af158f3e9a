/**
 * The worker's federation: the FederatedNode of the node the worker runs, over
 * a carrier the page supplies. libp2p cannot live in the worker (no
 * RTCPeerConnection in a dedicated worker), so the page runs the links and
 * hands every inbound request here; our outbound requests go back through the
 * page's transport, a comlink proxy. The federation starts when the page
 * attaches its transport and stops with the node.
 */
import { MatrixError } from '../core/errors.js';
import {
  queryPublicRooms,
  type RemotePublicRooms,
  type RemotePublicRoomsQuery,
} from '../federation/directory/query-public-rooms.js';
import type { EduChange, ReadReceipt } from '../federation/edu/edu-state.js';
import type { FederatedNode } from '../federation/federated-node.js';
import type { DestinationStatus } from '../federation/outbound/outbound-events.js';
import type { BackfillResult } from '../federation/rooms/backfill.js';
import type {
  FederationRequest,
  FederationResponse,
  FederationTransport,
  RequestMeta,
} from '../federation/transport.js';

/** What the page may ask of the worker's federation. */
export interface FederationHostApi {
  /**
   * The identity seed and server name, so the page's libp2p node has the same
   * Ed25519 key as the node: the peer ID then follows from the server name.
   */
  transportKey(): Promise<{ serverName: string; seed: Uint8Array }>;
  /** Starts the federation with `transport` (a page object, proxied) carrying our requests. */
  startFederation(transport: FederationTransport): Promise<void>;
  /** Serves one inbound federation request; 503 M_UNKNOWN before the federation starts. */
  handleFederation(request: FederationRequest, meta: RequestMeta): Promise<FederationResponse>;
  /** Joins a room on other servers by ID or alias, through `via`; returns the room ID. */
  joinRoom(roomIdOrAlias: string, via: string[]): Promise<string>;
  /** A link to `serverName` came up: retry what is queued for it now. */
  wakeServer(serverName: string): Promise<void>;
  /** The network came back (relay reconnected, node online again): retry every destination now. */
  wakeAll(): Promise<void>;
  /** Our user starts or stops typing in `roomId`; the room's other servers are told. */
  setTyping(roomId: string, typing: boolean): Promise<void>;
  /** Our user has read `roomId` up to `eventId`; the room's other servers are told. */
  sendReceipt(roomId: string, eventId: string): Promise<void>;
  /** Who is typing in `roomId` now (user IDs, ours included). */
  typing(roomId: string): Promise<string[]>;
  /** The latest read receipt of each user in `roomId`. */
  receipts(roomId: string): Promise<ReadReceipt[]>;
  /** Calls `listener` on each typing or receipt change; returns an ID for `unsubscribeEdus`. */
  subscribeEdus(listener: (change: EduChange) => void): Promise<number>;
  unsubscribeEdus(id: number): Promise<void>;
  /** Lists `roomId` in (or removes it from) our public room directory. */
  publishRoom(roomId: string, published: boolean): Promise<void>;
  /** One page of another server's public room directory. */
  publicRooms(server: string, query?: RemotePublicRoomsQuery): Promise<RemotePublicRooms>;
  /** The outbound queue per destination (queued, in flight, failures, next retry); [] before the start. */
  outboundStatus(): Promise<DestinationStatus[]>;
  /** Declines an invite another server sent us (make_leave / send_leave through the inviter's server). */
  rejectInvite(roomId: string, reason?: string): Promise<string>;
  /** Asks to join a room whose join rule is `knock`, through `via`; returns the knock's event ID. */
  knock(roomId: string, via: string[], reason?: string): Promise<string>;
  /**
   * Fetches up to `limit` older events of `roomId` from its other servers,
   * below the oldest we hold; `more` says whether older history may exist.
   */
  backfill(roomId: string, limit: number): Promise<BackfillResult>;
}

/** What a FederationHost is built from. */
export interface FederationHostOptions {
  /** Builds the FederatedNode over the page's transport. */
  federate: Federate;
  /** The identity seed and server name. */
  key: () => { serverName: string; seed: Uint8Array };
  /** Our local user's ID. */
  userId: () => string;
  /** Lists a room in our directory (the node's `publishRoom`). */
  publishRoom: (roomId: string, published: boolean) => Promise<void>;
}

/** Builds a FederatedNode over a transport: the factory knows the node's store and identity. */
export type Federate = (transport: FederationTransport) => Promise<FederatedNode>;

/** The federation of one open node, started once. */
export class FederationHost {
  private federated: FederatedNode | undefined;
  /** The page's EDU listeners, by our ID, with their ID in the EDU state once attached. */
  private readonly eduListeners = new Map<
    number,
    { listener: (change: EduChange) => void; attached: number | undefined }
  >();
  private nextEduListener = 1;
  private starting: Promise<FederatedNode> | undefined;

  constructor(private readonly options: FederationHostOptions) {}

  async transportKey(): Promise<{ serverName: string; seed: Uint8Array }> {
    const { serverName, seed } = this.options.key();
    return { serverName, seed: seed.slice() };
  }

  async startFederation(transport: FederationTransport): Promise<void> {
    if (this.starting !== undefined) {
      throw new MatrixError('M_UNKNOWN', 'The federation of this node is already running', {
        httpStatus: 409,
      });
    }
    this.starting = this.options.federate(transport);
    try {
      this.federated = await this.starting;
      for (const entry of this.eduListeners.values()) {
        entry.attached = this.federated.edus.state.subscribe(entry.listener);
      }
    } catch (error) {
      this.starting = undefined;
      throw error;
    }
  }

  async handleFederation(
    request: FederationRequest,
    meta: RequestMeta,
  ): Promise<FederationResponse> {
    const federated = this.federated;
    if (federated === undefined) {
      return errorResponse(503, 'M_UNKNOWN', 'This node is not on the federation yet');
    }
    return federated.handle(request, meta);
  }

  async joinRoom(roomIdOrAlias: string, via: string[]): Promise<string> {
    return this.require().joinRoom(roomIdOrAlias, via);
  }

  async wakeServer(serverName: string): Promise<void> {
    this.federated?.wake(serverName);
  }

  async wakeAll(): Promise<void> {
    const federated = this.federated;
    if (federated === undefined) return;
    for (const destination of await federated.queue.status()) {
      if (destination.queued > 0) federated.wake(destination.destination);
    }
  }

  async setTyping(roomId: string, typing: boolean): Promise<void> {
    await this.require().edus.sender.sendTyping(roomId, this.options.userId(), typing);
  }

  async sendReceipt(roomId: string, eventId: string): Promise<void> {
    await this.require().edus.sender.sendReceipt(roomId, this.options.userId(), eventId);
  }

  async typing(roomId: string): Promise<string[]> {
    return this.federated?.edus.state.typing(roomId) ?? [];
  }

  async receipts(roomId: string): Promise<ReadReceipt[]> {
    return this.federated?.edus.state.receipts(roomId) ?? [];
  }

  /**
   * Listeners may subscribe before the federation starts (the page's views
   * open before the relay answers): they are attached when it does.
   */
  async subscribeEdus(listener: (change: EduChange) => void): Promise<number> {
    // A page listener is a comlink proxy: a page gone away must not become an unhandled rejection.
    const safe = (change: EduChange) => {
      void Promise.resolve(listener(change)).catch(() => undefined);
    };
    const id = this.nextEduListener++;
    const attached = this.federated?.edus.state.subscribe(safe);
    this.eduListeners.set(id, { listener: safe, attached });
    return id;
  }

  async unsubscribeEdus(id: number): Promise<void> {
    const entry = this.eduListeners.get(id);
    this.eduListeners.delete(id);
    if (entry?.attached !== undefined) this.federated?.edus.state.unsubscribe(entry.attached);
  }

  async publishRoom(roomId: string, published: boolean): Promise<void> {
    await this.options.publishRoom(roomId, published);
  }

  async publicRooms(
    server: string,
    query: RemotePublicRoomsQuery = {},
  ): Promise<RemotePublicRooms> {
    return queryPublicRooms(this.require().client, server, query);
  }

  /** True once the page attached its transport. */
  get started(): boolean {
    return this.federated !== undefined;
  }

  /** Invites over the federation: a user of another server gets a v2 invite. */
  async invite(roomId: string, userId: string, reason?: string): Promise<string> {
    return this.require().invite(roomId, userId, reason);
  }

  /** Leaves a room, or declines the invite when we are only invited. */
  async leave(roomId: string, reason?: string): Promise<string> {
    return this.require().leave(roomId, reason);
  }

  async rejectInvite(roomId: string, reason?: string): Promise<string> {
    return this.require().rejectInvite(roomId, reason);
  }

  async knock(roomId: string, via: string[], reason?: string): Promise<string> {
    return (await this.require().knock(roomId, via, reason)).eventId;
  }

  async backfill(roomId: string, limit: number): Promise<BackfillResult> {
    return this.require().backfill(roomId, limit);
  }

  async outboundStatus(): Promise<DestinationStatus[]> {
    return (await this.federated?.queue.status()) ?? [];
  }

  /** Stops the federation (queued messages stay stored for the next start). */
  async close(): Promise<void> {
    const federated = this.federated;
    this.federated = undefined;
    await federated?.close();
  }

  private require(): FederatedNode {
    if (this.federated === undefined) {
      throw new MatrixError(
        'M_UNKNOWN',
        'This node is not connected to the federation: no relay or peer link is set up',
        { httpStatus: 503 },
      );
    }
    return this.federated;
  }
}

function errorResponse(status: number, errcode: string, error: string): FederationResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: new TextEncoder().encode(JSON.stringify({ errcode, error })),
  };
}
