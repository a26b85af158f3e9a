/**
 * An in-memory network of federation servers, by server name, for tests and
 * simulations: many nodes in one process, with faults under control. Links
 * can lose, delay, reorder and duplicate messages; nodes can go offline; the
 * network can split into partitions and heal. Faults come from a seeded PRNG
 * and delays from a NetworkClock (a ManualClock for deterministic tests), so a
 * run replays exactly for the same seed and the same requests.
 */
import { type NetworkClock, realClock } from './network-clock.js';
import { seededRandom } from './seeded-random.js';
import type {
  FederationRequest,
  FederationResponse,
  FederationTransport,
  RequestHandler,
} from './transport.js';
import { TransportTimeoutError, TransportUnreachableError } from './transport-errors.js';

/** Faults on a link or at a node. Conditions that apply together combine (see `effective`). */
export interface LinkConditions {
  /** Probability in [0, 1] that each leg (request, then response) is lost. */
  drop?: number;
  /** Fixed delay per leg, in ms. */
  delayMs?: number;
  /** Up to this many extra ms per leg, drawn at random: messages may overtake each other. */
  reorderMs?: number;
  /** Probability in [0, 1] that a request is delivered twice (the copy's response is discarded). */
  duplicate?: number;
}

/** Options for a MemoryNetwork. */
export interface MemoryNetworkOptions {
  /** Seed for drops, duplicates and jitter; the same seed replays the same faults. */
  seed?: number;
  /** Where delays are measured; default real timers. Use a ManualClock in tests. */
  clock?: NetworkClock;
  /** How long a caller waits for a lost message before TransportTimeoutError; default 0. */
  timeoutMs?: number;
}

/** One request that reached a handler (duplicates included), for tests to count. */
export interface Delivery {
  from: string;
  to: string;
  method: string;
  path: string;
  duplicate: boolean;
}

/** The in-memory network. */
export class MemoryNetwork {
  /** Every request that reached a handler, in delivery order. */
  readonly deliveries: Delivery[] = [];
  private readonly handlers = new Map<string, RequestHandler>();
  private readonly offline = new Set<string>();
  private readonly nodeConditions = new Map<string, LinkConditions>();
  private readonly linkConditions = new Map<string, LinkConditions>();
  private groups: Map<string, number> | undefined;
  private readonly random: () => number;
  private readonly clock: NetworkClock;
  private readonly timeoutMs: number;

  constructor(options: MemoryNetworkOptions = {}) {
    this.random = seededRandom(options.seed ?? 1);
    this.clock = options.clock ?? realClock;
    this.timeoutMs = options.timeoutMs ?? 0;
  }

  /** Adds (or replaces) the server `name`; returns the transport it sends with. */
  addNode(name: string, handler: RequestHandler): FederationTransport {
    this.handlers.set(name, handler);
    return this.transportFor(name);
  }

  /** Removes `name`: requests to it fail as unreachable. */
  removeNode(name: string): void {
    this.handlers.delete(name);
  }

  /** A transport that sends as `from` (it need not be a node, to probe from outside). */
  transportFor(from: string): FederationTransport {
    return { request: (destination, request) => this.send(from, destination, request) };
  }

  /** Takes `name` offline (or back online): nothing reaches it, nothing leaves it. */
  setOffline(name: string, offline = true): void {
    if (offline) this.offline.add(name);
    else this.offline.delete(name);
  }

  /** Faults on every link of `name`; `undefined` clears them. */
  setNodeConditions(name: string, conditions: LinkConditions | undefined): void {
    if (conditions === undefined) this.nodeConditions.delete(name);
    else this.nodeConditions.set(name, conditions);
  }

  /** Faults on the link between `a` and `b`, both directions; `undefined` clears them. */
  setLinkConditions(a: string, b: string, conditions: LinkConditions | undefined): void {
    if (conditions === undefined) this.linkConditions.delete(linkKey(a, b));
    else this.linkConditions.set(linkKey(a, b), conditions);
  }

  /**
   * Splits the network: a node in one group reaches only nodes of the same
   * group. Nodes in no group keep reaching everyone. Replaces any partition.
   */
  partition(groups: readonly (readonly string[])[]): void {
    this.groups = new Map();
    groups.forEach((group, index) => {
      for (const name of group) this.groups?.set(name, index);
    });
  }

  /** Ends any partition. */
  heal(): void {
    this.groups = undefined;
  }

  /** True when a message from `from` to `to` can get through right now. */
  canReach(from: string, to: string): boolean {
    return this.handlers.has(to) && this.linkUp(from, to);
  }

  /** Neither end offline and no partition between them (the caller need not be a node). */
  private linkUp(from: string, to: string): boolean {
    if (this.offline.has(from) || this.offline.has(to)) return false;
    const a = this.groups?.get(from);
    const b = this.groups?.get(to);
    return a === undefined || b === undefined || a === b;
  }

  private async send(
    from: string,
    to: string,
    request: FederationRequest,
  ): Promise<FederationResponse> {
    if (!this.canReach(from, to)) {
      throw new TransportUnreachableError(to, this.whyUnreachable(from, to));
    }
    const conditions = this.effective(from, to);
    // Draw every random number up front, in a fixed order, so one request's
    // faults do not depend on how other requests' delays interleave.
    const requestLost = this.chance(conditions.drop);
    const responseLost = this.chance(conditions.drop);
    const duplicated = this.chance(conditions.duplicate);
    const delays = [this.delay(conditions), this.delay(conditions), this.delay(conditions)];

    await this.wait(delays[0]!);
    const lost = requestLost || !this.canReach(from, to);
    const response = lost ? undefined : this.deliver(from, to, request, false);
    // The copy follows the original (its own delay after it), as a resend would.
    if (duplicated) void this.deliverCopy(from, to, request, delays[2]!);
    if (response === undefined) return this.timeout(to, 'request lost');
    const answer = await response;
    await this.wait(delays[1]!);
    if (responseLost || !this.linkUp(to, from)) return this.timeout(to, 'response lost');
    return {
      status: answer.status,
      headers: { ...answer.headers },
      body: answer.body.slice(),
    };
  }

  private async deliverCopy(from: string, to: string, request: FederationRequest, delay: number) {
    await this.wait(delay);
    if (this.canReach(from, to)) await this.deliver(from, to, request, true);
  }

  /** Hands a copy of `request` to `to`'s handler; a handler that throws is a 500. */
  private async deliver(
    from: string,
    to: string,
    request: FederationRequest,
    duplicate: boolean,
  ): Promise<FederationResponse> {
    const handler = this.handlers.get(to);
    if (handler === undefined) throw new TransportUnreachableError(to, 'no such node');
    this.deliveries.push({ from, to, method: request.method, path: request.path, duplicate });
    const copy: FederationRequest = {
      method: request.method,
      path: request.path,
      headers: { ...request.headers },
    };
    if (request.body !== undefined) copy.body = request.body.slice();
    try {
      return await handler(copy, { remoteAddress: `memory:${from}` });
    } catch {
      const body = new TextEncoder().encode('{"errcode":"M_UNKNOWN","error":"Internal error"}');
      return { status: 500, headers: { 'content-type': 'application/json' }, body };
    }
  }

  private async timeout(to: string, reason: string): Promise<never> {
    await this.wait(this.timeoutMs);
    throw new TransportTimeoutError(to, reason);
  }

  private wait(ms: number): Promise<void> {
    // No delay still yields, so concurrent requests interleave as they would.
    return ms > 0 ? this.clock.sleep(ms) : Promise.resolve();
  }

  private chance(probability: number | undefined): boolean {
    return probability !== undefined && probability > 0 && this.random() < probability;
  }

  private delay(conditions: LinkConditions): number {
    const jitter = conditions.reorderMs ? Math.floor(this.random() * conditions.reorderMs) : 0;
    return (conditions.delayMs ?? 0) + jitter;
  }

  /**
   * The faults for one message: those of the link and of both nodes together.
   * Probabilities combine as independent chances (1 − ∏(1 − p)); delays add up.
   */
  private effective(from: string, to: string): LinkConditions {
    const all = [
      this.nodeConditions.get(from),
      this.nodeConditions.get(to),
      this.linkConditions.get(linkKey(from, to)),
    ].filter((c): c is LinkConditions => c !== undefined);
    const either = (pick: (c: LinkConditions) => number | undefined) =>
      1 - all.reduce((keep, c) => keep * (1 - (pick(c) ?? 0)), 1);
    const sum = (pick: (c: LinkConditions) => number | undefined) =>
      all.reduce((total, c) => total + (pick(c) ?? 0), 0);
    return {
      drop: either((c) => c.drop),
      duplicate: either((c) => c.duplicate),
      delayMs: sum((c) => c.delayMs),
      reorderMs: sum((c) => c.reorderMs),
    };
  }

  private whyUnreachable(from: string, to: string): string {
    if (this.offline.has(to)) return 'the node is offline';
    if (this.offline.has(from)) return 'we are offline';
    if (!this.handlers.has(to)) return 'no such node';
    return 'partitioned';
  }
}

/** The same key for (a, b) and (b, a). */
function linkKey(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}
