import { describe, expect, it } from 'vitest';
import type { EventId, RoomId } from '../../src/core/ids.js';
import type { Pdu } from '../../src/core/pdu.js';
import type { NodeChange } from '../../src/node/api.js';
import { ChangeHub, type CommittedEvents } from '../../src/node/change-hub.js';

const committed: CommittedEvents = {
  roomId: '!r:example.org' as RoomId,
  events: [{ eventId: '$a' as EventId, pdu: { type: 'm.room.message' } as unknown as Pdu }],
};

describe('ChangeHub', () => {
  it('tells every listener each change in order, past one that throws', () => {
    const hub = new ChangeHub();
    const heard: string[] = [];
    hub.subscribe(() => {
      throw new Error('broken listener');
    });
    hub.subscribe((change) => heard.push(change.kind));
    const changes: NodeChange[] = [
      { kind: 'timeline', roomId: 'r', eventIds: [] },
      { kind: 'rooms' },
    ];
    hub.emit(changes);
    expect(heard).toEqual(['timeline', 'rooms']);
  });

  it('hands local events to their listeners, past one that throws, until removed', () => {
    const hub = new ChangeHub();
    const heard: CommittedEvents[] = [];
    hub.onCommittedEvents(() => {
      throw new Error('broken listener');
    });
    const stop = hub.onCommittedEvents((events) => heard.push(events));
    hub.emitCommittedEvents(committed);
    stop();
    hub.emitCommittedEvents(committed);
    expect(heard).toEqual([committed]);
  });

  it('forgets both kinds of listener on clear', () => {
    const hub = new ChangeHub();
    const heard: string[] = [];
    hub.subscribe((change) => heard.push(change.kind));
    hub.onCommittedEvents(() => heard.push('local'));
    hub.clear();
    hub.emit([{ kind: 'rooms' }]);
    hub.emitCommittedEvents(committed);
    expect(heard).toEqual([]);
  });
});
