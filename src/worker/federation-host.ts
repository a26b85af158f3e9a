/**
 * The worker's federation: the FederatedNode of the node the worker runs, over
 * a carrier the page supplies. libp2p cannot live in the worker (no
 * RTCPeerConnection in a dedicated worker), so the page runs the links and
 * hands every inbound request here; our outbound requests go back through the
 * page's transport, a comlink proxy. The federation starts when the page
 * attaches its transport and stops with the node.
 */
import { MatrixError } from '../core/errors.js';
import type { FederatedNode } from '../federation/federated-node.js';
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
}

/** Builds a FederatedNode over a transport: the factory knows the node's store and identity. */
export type Federate = (transport: FederationTransport) => Promise<FederatedNode>;

/** The federation of one open node, started once. */
export class FederationHost {
  private federated: FederatedNode | undefined;
  private starting: Promise<FederatedNode> | undefined;

  constructor(
    private readonly federate: Federate,
    private readonly key: () => { serverName: string; seed: Uint8Array },
  ) {}

  async transportKey(): Promise<{ serverName: string; seed: Uint8Array }> {
    const { serverName, seed } = this.key();
    return { serverName, seed: seed.slice() };
  }

  async startFederation(transport: FederationTransport): Promise<void> {
    if (this.starting !== undefined) {
      throw new MatrixError('M_UNKNOWN', 'The federation of this node is already running', {
        httpStatus: 409,
      });
    }
    this.starting = this.federate(transport);
    try {
      this.federated = await this.starting;
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
