import { describe, expect, it } from 'vitest';
import { EduState } from '../../src/federation/edu/edu-state.js';
import { ManualClock } from '../../src/federation/network-clock.js';
import { clockTimers } from '../../src/federation/outbound/backoff.js';
import type { TimelineItem } from '../../src/node/api.js';
import { roomPreview, TypingRooms } from '../../src/ui/room-list-typing-state.js';

const me = '@me:a.example';
const alice = '@alice:b.example';
const bob = '@bob:c.example';
const longId = '@carol:abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst.localhost';

const message = (body: string): TimelineItem => ({
  eventId: '$m',
  type: 'm.room.message',
  sender: alice,
  senderName: 'Alice',
  originServerTs: 0,
  content: { msgtype: 'm.text', body },
  status: 'accepted',
  streamOrder: 1,
});

/** The worker's EDU state, its changes fed to a TypingRooms as the room list's subscription does. */
function setUp() {
  const clock = new ManualClock();
  const edus = new EduState({ timers: clockTimers(clock), typingTimeoutMs: 30_000 });
  const rooms = new TypingRooms(me);
  edus.subscribe((change) => {
    if (change.kind === 'typing') rooms.changed(change.roomId, change.userIds);
  });
  return { clock, edus, rooms };
}

describe('TypingRooms over the EDU state', () => {
  it('follows who types in each room, leaving our own user out', () => {
    const { edus, rooms } = setUp();
    edus.setTyping('!one', bob, true);
    edus.setTyping('!one', me, true);
    edus.setTyping('!one', alice, true);
    edus.setTyping('!two', me, true);
    expect(rooms.typing('!one')).toEqual([alice, bob]);
    expect(rooms.typing('!two')).toEqual([]);
    expect(rooms.rooms()).toEqual(['!one']);
    edus.setTyping('!one', bob, false);
    expect(rooms.typing('!one')).toEqual([alice]);
  });

  it('forgets a typist when their notice times out', async () => {
    const { clock, edus, rooms } = setUp();
    edus.setTyping('!one', alice, true);
    await clock.advance(29_000);
    expect(rooms.typing('!one')).toEqual([alice]);
    await clock.advance(2_000);
    expect(rooms.typing('!one')).toEqual([]);
    expect(rooms.rooms()).toEqual([]);
  });

  it('takes a read of typing(roomId) unless a change overtook it', () => {
    const { edus, rooms } = setUp();
    const stale = rooms.beginRead('!one');
    const answer = edus.typing('!one');
    edus.setTyping('!one', alice, true);
    // The read began before Alice's notice: its empty answer is older.
    expect(rooms.read('!one', answer, stale)).toBe(false);
    expect(rooms.typing('!one')).toEqual([alice]);

    edus.setTyping('!two', bob, true);
    const fresh = new TypingRooms(me);
    const token = fresh.beginRead('!two');
    expect(fresh.read('!two', edus.typing('!two'), token)).toBe(true);
    expect(fresh.typing('!two')).toEqual([bob]);
  });
});

describe('roomPreview', () => {
  it('says who is typing in place of the last message, by display name', () => {
    const names = new Map([[alice, 'Alice']]);
    expect(roomPreview({ lastEvent: message('hi') }, [alice], names)).toEqual({
      text: 'Alice is typing…',
      typing: true,
    });
    expect(roomPreview({ lastEvent: message('hi') }, [alice, bob], names).text).toBe(
      'Alice and @bob:c.example are typing…',
    );
    expect(roomPreview({}, [alice, bob, longId], names).text).toBe(
      'Alice, @bob:c.example and 1 other are typing…',
    );
    expect(roomPreview({}, [longId]).text).toBe('@carol:abcdefgh….localhost is typing…');
  });

  it('shows the last message, or that there is none, when nobody types', () => {
    expect(roomPreview({ lastEvent: message('hi') }, [])).toEqual({
      text: 'Alice: hi',
      typing: false,
    });
    expect(roomPreview({}, [])).toEqual({ text: 'No messages yet', typing: false });
  });
});
