/**
 * Words for the event graph: a node's short label lines and its accessible
 * name. Pure functions over what the node reports; text only, never HTML.
 * Status is always said in words (and drawn as a distinct outline), never by
 * colour alone.
 */
import type { GraphNode } from '../node/room-graph.js';
import type { EventStatus } from '../store/records.js';
import { shortUserId } from './describe-event.js';

/** The mark shown in the box for each status other than accepted. */
export const STATUS_MARKS: Record<EventStatus, string> = {
  accepted: '',
  rejected: '✕ rejected',
  soft_failed: '⚠ soft-failed',
  outlier: '◌ outlier',
};

/** `m.room.member` → `member`, `m.reaction` → `reaction`; other types as they are, cut to 18 characters. */
export function shortType(type: string): string {
  const bare = type.startsWith('m.room.')
    ? type.slice(7)
    : type.startsWith('m.')
      ? type.slice(2)
      : type;
  return bare.length > 18 ? `${bare.slice(0, 17)}…` : bare;
}

/** The up to three lines drawn in a node's box: type, sender, marks (status, head). */
export function nodeLines(node: GraphNode, isHead: boolean): [string, string, string] {
  const marks = [STATUS_MARKS[node.status], isHead ? '▲ head' : ''].filter((m) => m !== '');
  const sender = shortUserId(node.sender);
  return [
    node.isState ? `${shortType(node.type)} (state)` : shortType(node.type),
    sender.length > 22 ? `${sender.slice(0, 21)}…` : sender,
    marks.join(' · '),
  ];
}

/** The node's accessible name: everything the box shows, in full words. */
export function nodeAriaLabel(node: GraphNode, isHead: boolean): string {
  const parts = [`${node.type}${node.isState ? ' state event' : ''} by ${node.sender}`];
  if (node.status !== 'accepted') {
    const status = node.status === 'soft_failed' ? 'soft-failed' : node.status;
    parts.push(node.statusReason ? `${status}: ${node.statusReason}` : status);
  }
  if (isHead) parts.push('a forward extremity (head)');
  parts.push(`depth ${node.depth}`);
  const prevs = node.prevEvents.length;
  parts.push(prevs === 0 ? 'no parents' : prevs === 1 ? 'one parent' : `merges ${prevs} branches`);
  return parts.join(', ');
}
