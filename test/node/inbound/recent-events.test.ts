import { describe, expect, it } from 'vitest';
import type { EventId } from '../../../src/core/ids.js';
import type { Pdu } from '../../../src/core/pdu.js';
import { RecentEvents } from '../../../src/node/inbound/recent-events.js';

const pdu = (room: string, sig: string): Pdu =>
  ({
    room_id: room,
    type: 'm.room.message',
    sender: '@u:a',
    content: { body: 'hi' },
    signatures: { a: { 'ed25519:k': sig } },
  }) as unknown as Pdu;

describe('RecentEvents', () => {
  it('knows a copy of a remembered event by its signature, in the same room only', () => {
    const recent = new RecentEvents();
    recent.remember('$one' as EventId, pdu('!r:a', 'SIG1'));
    // Another copy (its unsigned content may differ): the same event.
    expect(recent.match({ ...pdu('!r:a', 'SIG1'), content: { body: 'changed' } })).toBe('$one');
    expect(recent.match(pdu('!r:a', 'SIG2'))).toBeUndefined();
    expect(recent.match(pdu('!other:a', 'SIG1'))).toBeUndefined();
    expect(recent.match({ room_id: '!r:a', signatures: { a: { 'ed25519:j': 'SIG1' } } })).toBe(
      undefined,
    );
    expect(recent.match('not an event')).toBeUndefined();
    expect(recent.match({ room_id: '!r:a', signatures: 'nope' })).toBeUndefined();
  });
});
