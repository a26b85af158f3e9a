/**
 * The order a batch is judged in: an event after every event of the batch it
 * cites (prev_events and auth_events), so a batch delivered in any order
 * judges B after A when B builds on A. Kahn's algorithm; ties go to the lower
 * depth, then the lower event ID, so the order is deterministic. Events on a
 * cycle (impossible with hashed IDs, but input is hostile) come back in `cyclic`.
 */
import type { EventId } from '../../core/ids.js';
import type { Candidate } from './admit.js';

/** `candidates` in dependency order, and any left over on a cycle. */
export function batchOrder(candidates: readonly Candidate[]): {
  ordered: Candidate[];
  cyclic: Candidate[];
} {
  const byId = new Map(candidates.map((c) => [c.eventId, c]));
  const waitingOn = new Map<EventId, number>();
  const dependents = new Map<EventId, EventId[]>();
  for (const c of candidates) {
    const cited = new Set([...c.pdu.prev_events, ...c.pdu.auth_events] as EventId[]);
    let count = 0;
    for (const id of cited) {
      if (!byId.has(id) || id === c.eventId) continue;
      count++;
      dependents.set(id, [...(dependents.get(id) ?? []), c.eventId]);
    }
    waitingOn.set(c.eventId, count);
  }
  const ready = candidates.filter((c) => waitingOn.get(c.eventId) === 0);
  const ordered: Candidate[] = [];
  while (ready.length > 0) {
    ready.sort(earlierFirst);
    const next = ready.shift()!;
    ordered.push(next);
    for (const id of dependents.get(next.eventId) ?? []) {
      const left = waitingOn.get(id)! - 1;
      waitingOn.set(id, left);
      if (left === 0) ready.push(byId.get(id)!);
    }
  }
  const done = new Set(ordered.map((c) => c.eventId));
  return { ordered, cyclic: candidates.filter((c) => !done.has(c.eventId)) };
}

function earlierFirst(a: Candidate, b: Candidate): number {
  return a.pdu.depth - b.pdu.depth || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
}
