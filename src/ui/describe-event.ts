import type { JsonObject, JsonValue } from '../core/json.js';
import type { TimelineItem } from '../node/api.js';

/**
 * Words for timeline items: state events as one line ("Alice changed the topic
 * to …"), messages as their plain-text body. Pure functions over what the node
 * reports; no HTML is ever produced here.
 */

/**
 * A user ID short enough to read: browser nodes' server names start with a
 * 52-character key label, shown as its first 8 characters and "…".
 */
export function shortUserId(userId: string): string {
  const match = /^(@[^:]+:)([^.]{17,})(\..*)?$/.exec(userId);
  return match ? `${match[1]}${match[2]!.slice(0, 8)}…${match[3] ?? ''}` : userId;
}

/** The name to show for an item's sender: the display name, else the short user ID. */
export function senderLabel(item: Pick<TimelineItem, 'sender' | 'senderName'>): string {
  return item.senderName || shortUserId(item.sender);
}

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The `m.room.member` content that was current before this one, if known. */
export type PreviousMember = JsonObject | undefined;

function describeMember(item: TimelineItem, actor: string, previous: PreviousMember): string {
  const content = item.content;
  const target = text(content.displayname) || shortUserId(item.stateKey ?? '') || 'someone';
  const reason = text(content.reason);
  const why = reason ? `: ${reason}` : '';
  const self = item.sender === item.stateKey;
  const before = text(previous?.membership);
  switch (text(content.membership)) {
    case 'join': {
      if (before !== 'join') return `${target} joined the room`;
      const oldName = text(previous?.displayname);
      const newName = text(content.displayname);
      if (oldName !== newName) {
        return newName
          ? `${oldName || shortUserId(item.stateKey ?? '')} changed their display name to ${newName}`
          : `${oldName} removed their display name`;
      }
      return `${target} updated their profile`;
    }
    case 'invite':
      return `${actor} invited ${target}${why}`;
    case 'leave':
      if (before === 'ban') return `${actor} unbanned ${target}${why}`;
      if (before === 'invite' && self) return `${target} declined the invitation${why}`;
      if (before === 'invite') return `${actor} withdrew ${target}'s invitation${why}`;
      return self ? `${target} left the room${why}` : `${actor} removed ${target}${why}`;
    case 'ban':
      return `${actor} banned ${target}${why}`;
    case 'knock':
      return `${target} asked to join${why}`;
    default:
      return `${actor} changed the membership of ${target}`;
  }
}

const JOIN_RULES: Record<string, string> = {
  public: 'anyone can join',
  invite: 'only invited people can join',
  knock: 'people can ask to join',
  restricted: 'members of other rooms can join',
};

/** One line for a state event. `previous` helps name membership changes. */
export function describeStateEvent(item: TimelineItem, previous?: PreviousMember): string {
  const actor = senderLabel(item);
  const c = item.content;
  switch (item.type) {
    case 'm.room.create':
      return `${actor} created the room`;
    case 'm.room.member':
      return describeMember(item, actor, previous);
    case 'm.room.name':
      return text(c.name)
        ? `${actor} changed the room name to ${c.name}`
        : `${actor} removed the room name`;
    case 'm.room.topic':
      return text(c.topic)
        ? `${actor} changed the topic to ${c.topic}`
        : `${actor} removed the topic`;
    case 'm.room.join_rules': {
      const rule = text(c.join_rule) ?? 'unknown';
      return `${actor} changed who can join: ${JOIN_RULES[rule] ?? rule}`;
    }
    case 'm.room.history_visibility':
      return `${actor} set history visibility to ${text(c.history_visibility) ?? 'unknown'}`;
    case 'm.room.power_levels':
      return `${actor} changed the power levels`;
    case 'm.room.canonical_alias':
      return text(c.alias)
        ? `${actor} set the room's address to ${c.alias}`
        : `${actor} removed the room's address`;
    case 'm.room.avatar':
      return `${actor} changed the room avatar`;
    case 'm.room.guest_access':
      return `${actor} set guest access to ${text(c.guest_access) ?? 'unknown'}`;
    case 'm.room.encryption':
      return `${actor} turned on encryption`;
    default:
      return `${actor} changed the room state (${item.type})`;
  }
}

/** True for items the timeline does not show on their own (edits, redactions). */
export function isHiddenItem(item: TimelineItem): boolean {
  if (item.type === 'm.room.redaction') return true;
  const relation = item.content['m.relates_to'];
  return (
    item.type === 'm.room.message' &&
    typeof relation === 'object' &&
    relation !== null &&
    !Array.isArray(relation) &&
    relation.rel_type === 'm.replace'
  );
}

/** True for events shown only with the developer marks on: rejected, soft-failed, redaction events. */
export function isDeveloperItem(item: TimelineItem): boolean {
  return (
    item.status === 'rejected' || item.status === 'soft_failed' || item.type === 'm.room.redaction'
  );
}

/**
 * Whether the timeline shows `item`. Edits never show on their own (their
 * originals carry them); rejected, soft-failed and redaction events only with
 * `showHidden` (developer marks).
 */
export function isShownItem(item: TimelineItem, showHidden: boolean): boolean {
  if (isDeveloperItem(item)) return showHidden;
  return !isHiddenItem(item);
}

/** A one-line plain-text summary, for the room list's last-message preview. */
export function previewText(item: TimelineItem): string {
  if (item.redactedBy) return 'Message deleted';
  if (item.stateKey !== undefined) return describeStateEvent(item);
  if (item.type === 'm.room.message') {
    const body = text(item.content.body) ?? '';
    if (item.content.msgtype === 'm.emote') return `* ${senderLabel(item)} ${body}`;
    return `${senderLabel(item)}: ${body}`;
  }
  return `${senderLabel(item)} sent an event (${item.type})`;
}
