/**
 * Who is typing in each room of the room list: the EDU changes the worker
 * reports (`subscribeEdus`), and one read of `typing(roomId)` per room for
 * what was typed before we listened. A read that a change overtook is
 * dropped: the change is newer. Our own user is left out (we know we type).
 */
import type { RoomSummary } from '../node/api.js';
import { previewText, shortUserId } from './describe-event.js';
import { typingText } from './format.js';

/** Typing users per room, newest report wins. */
export class TypingRooms {
  readonly #byRoom = new Map<string, readonly string[]>();
  /** Counts the reports per room, so a read can tell whether a change came after it began. */
  readonly #version = new Map<string, number>();

  /** `me` is the local user, never shown as typing. */
  constructor(private readonly me: string) {}

  /** A typing change for `roomId`: these users type now. */
  changed(roomId: string, userIds: readonly string[]): void {
    this.#version.set(roomId, (this.#version.get(roomId) ?? 0) + 1);
    this.#set(roomId, userIds);
  }

  /** Call before reading `typing(roomId)`; hand the token to `read`. */
  beginRead(roomId: string): number {
    return this.#version.get(roomId) ?? 0;
  }

  /** The answer of a read begun with `token`; ignored if a change came meanwhile. Returns whether it was taken. */
  read(roomId: string, userIds: readonly string[], token: number): boolean {
    if ((this.#version.get(roomId) ?? 0) !== token) return false;
    this.#set(roomId, userIds);
    return true;
  }

  /** Who types in `roomId`, ourselves left out, in user ID order. */
  typing(roomId: string): readonly string[] {
    return this.#byRoom.get(roomId) ?? [];
  }

  /** Rooms with someone typing. */
  rooms(): string[] {
    return [...this.#byRoom.keys()];
  }

  #set(roomId: string, userIds: readonly string[]): void {
    const others = [...new Set(userIds)].filter((id) => id !== this.me).sort();
    if (others.length === 0) this.#byRoom.delete(roomId);
    else this.#byRoom.set(roomId, others);
  }
}

/** The room list's second line for `room`. */
export interface RoomPreview {
  text: string;
  /** True when it says who is typing rather than the last message. */
  typing: boolean;
}

/**
 * "Alice is typing…" while someone types (names from `names`, else the short
 * user ID), otherwise the last message, or "No messages yet".
 */
export function roomPreview(
  room: Pick<RoomSummary, 'lastEvent'>,
  typingUserIds: readonly string[],
  names: ReadonlyMap<string, string> = new Map(),
): RoomPreview {
  if (typingUserIds.length > 0) {
    const shown = typingUserIds.map((id) => names.get(id) ?? shortUserId(id));
    return { text: typingText(shown), typing: true };
  }
  return {
    text: room.lastEvent ? previewText(room.lastEvent) : 'No messages yet',
    typing: false,
  };
}
