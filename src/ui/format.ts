import type { RoomStateView, RoomSummary } from '../node/api.js';

/** Small formatting helpers shared by the views. */

/** A room's name to show: its name, else its alias, else its ID. */
export function roomLabel(
  room: Pick<RoomSummary | RoomStateView, 'name' | 'canonicalAlias' | 'roomId'>,
): string {
  return room.name || room.canonicalAlias || room.roomId;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** "14:05" today, "3 Mar 2025, 14:05" on other days. */
export function formatTime(ts: number, now: number = Date.now()): string {
  const date = new Date(ts);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return sameDay ? timeFormat.format(date) : dateTimeFormat.format(date);
}

/**
 * `toLocaleString()`'s own format (date and time, numeric), built once: the
 * timeline formats a time per item it renders, and building a formatter each
 * time is most of that cost.
 */
const fullTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** The full date and time, for a tooltip. */
export function formatFullTime(ts: number): string {
  return fullTime.format(ts);
}

/** Power level words: "Creator" for infinite (null), "Admin" at 100, "Moderator" at 50. */
export function powerLabel(level: number | null): string {
  if (level === null || level === Number.POSITIVE_INFINITY) return 'Creator';
  if (level >= 100) return `Admin (${level})`;
  if (level >= 50) return `Moderator (${level})`;
  return String(level);
}

/** "Alice", "Alice and Bob", "Alice, Bob and 3 others": names in one phrase. */
export function nameList(names: readonly string[], shown = 2): string {
  if (names.length <= shown) {
    return names.length <= 1
      ? (names[0] ?? '')
      : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  }
  const rest = names.length - shown;
  return `${names.slice(0, shown).join(', ')} and ${rest} ${rest === 1 ? 'other' : 'others'}`;
}

/** "Alice is typing…", "Alice and Bob are typing…"; '' when nobody is. */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return '';
  return `${nameList(names)} ${names.length === 1 ? 'is' : 'are'} typing…`;
}

/** "Seen by Alice and Bob". */
export function seenByText(names: readonly string[]): string {
  return `Seen by ${nameList(names, 3)}`;
}
