/**
 * What this node knows of ephemeral room data (EDUs): who is typing in each
 * room (each entry expires on its own timer) and each user's latest read
 * receipt per room. Memory only: a reload forgets it, as EDUs are ephemeral.
 *
 * Changes go to listeners as plain data (`EduChange`), after the state has
 * changed, the way node changes do (src/node/change-hub.ts). The UI will
 * subscribe through the worker the same way it subscribes to node changes.
 */
import type { OutboundTimers } from '../outbound/backoff.js';

/** How long a typing notification lasts unless renewed (the sender re-sends within ~30 s). */
export const DEFAULT_TYPING_TIMEOUT_MS = 30_000;

/** A user's latest read receipt in a room (`m.read`). */
export interface ReadReceipt {
  userId: string;
  /** The event(s) read up to; the spec sends exactly one. */
  eventIds: string[];
  /** When the user read it (ms since the epoch), as the sender said. */
  ts: number;
  /** The thread it is for (`main` or a thread root); absent: unthreaded. */
  threadId?: string;
}

/** A change to the EDU state, for listeners. */
export type EduChange =
  | { kind: 'typing'; roomId: string; userIds: string[] }
  | { kind: 'receipt'; roomId: string; receipt: ReadReceipt };

export type EduListener = (change: EduChange) => void;

/** What the EDU state needs. */
export interface EduStateOptions {
  /** Expiry timers (`clockTimers(clock)` in tests). */
  timers: OutboundTimers;
  /** Default DEFAULT_TYPING_TIMEOUT_MS. */
  typingTimeoutMs?: number;
}

/** Typing and receipts of every room, with listeners. */
export class EduState {
  /** roomId → userId → cancel of its expiry timer. */
  private readonly typingByRoom = new Map<string, Map<string, () => void>>();
  /** roomId → `userId\u0000threadId` → receipt. */
  private readonly receiptsByRoom = new Map<string, Map<string, ReadReceipt>>();
  private readonly listeners = new Map<number, EduListener>();
  private nextId = 1;

  constructor(private readonly options: EduStateOptions) {}

  /** Adds a listener; returns its ID (numeric, as listeners over comlink cannot be compared). */
  subscribe(listener: EduListener): number {
    const id = this.nextId++;
    this.listeners.set(id, listener);
    return id;
  }

  /** Removes a listener; unknown IDs are ignored. */
  unsubscribe(id: number): void {
    this.listeners.delete(id);
  }

  /** Who is typing in `roomId` now, sorted. */
  typing(roomId: string): string[] {
    return [...(this.typingByRoom.get(roomId)?.keys() ?? [])].sort();
  }

  /** The latest receipts in `roomId` (one per user and thread). */
  receipts(roomId: string): ReadReceipt[] {
    return [...(this.receiptsByRoom.get(roomId)?.values() ?? [])];
  }

  /** `userId`'s latest unthreaded (or given thread's) receipt in `roomId`. */
  receipt(roomId: string, userId: string, threadId?: string): ReadReceipt | undefined {
    return this.receiptsByRoom.get(roomId)?.get(receiptKey(userId, threadId));
  }

  /**
   * `userId` starts (renewing the timeout) or stops typing in `roomId`.
   * Listeners hear a change only when the set of typing users changed.
   */
  setTyping(roomId: string, userId: string, typing: boolean, timeoutMs?: number): void {
    let room = this.typingByRoom.get(roomId);
    const cancel = room?.get(userId);
    cancel?.();
    if (!typing) {
      if (room === undefined || cancel === undefined) return;
      room.delete(userId);
      if (room.size === 0) this.typingByRoom.delete(roomId);
      this.emit({ kind: 'typing', roomId, userIds: this.typing(roomId) });
      return;
    }
    if (room === undefined) {
      room = new Map();
      this.typingByRoom.set(roomId, room);
    }
    const ms = timeoutMs ?? this.options.typingTimeoutMs ?? DEFAULT_TYPING_TIMEOUT_MS;
    room.set(
      userId,
      this.options.timers.setTimer(ms, () => this.setTyping(roomId, userId, false)),
    );
    if (cancel === undefined) this.emit({ kind: 'typing', roomId, userIds: this.typing(roomId) });
  }

  /** Records `receipt` as the user's latest in `roomId` (per thread); others are kept. */
  setReceipt(roomId: string, receipt: ReadReceipt): void {
    let room = this.receiptsByRoom.get(roomId);
    if (room === undefined) {
      room = new Map();
      this.receiptsByRoom.set(roomId, room);
    }
    room.set(receiptKey(receipt.userId, receipt.threadId), receipt);
    this.emit({ kind: 'receipt', roomId, receipt });
  }

  /** Cancels every typing timer and forgets listeners (the node is closing). */
  close(): void {
    for (const room of this.typingByRoom.values()) for (const cancel of room.values()) cancel();
    this.typingByRoom.clear();
    this.listeners.clear();
  }

  private emit(change: EduChange): void {
    for (const listener of [...this.listeners.values()]) {
      try {
        const result = listener(change) as unknown;
        if (result instanceof Promise) result.catch(() => undefined);
      } catch {
        // One broken listener must not silence the rest.
      }
    }
  }
}

function receiptKey(userId: string, threadId: string | undefined): string {
  return `${userId}\u0000${threadId ?? ''}`;
}
