import { describe, expect, it } from 'vitest';
import { ScrollFollow } from '../../src/ui/timeline-scroll.js';

/** A scroller's measurements, enough for ScrollFollow (it never touches the DOM otherwise). */
function scroller(scrollTop: number, scrollHeight = 5000, clientHeight = 400) {
  return { scrollTop, scrollHeight, clientHeight } as HTMLElement;
}

function follow(element: HTMLElement | undefined, live = true) {
  const state = { live };
  return {
    state,
    scroll: new ScrollFollow(
      () => element,
      () => state.live,
    ),
  };
}

describe('keeping the timeline at the bottom', () => {
  it('scrolls to the bottom while sticky and holding the newest', () => {
    const element = scroller(1000);
    follow(element).scroll.followBottom();
    expect(element.scrollTop).toBe(5000);
  });

  it('does not follow while the newest items are not held', () => {
    const element = scroller(1000);
    const { scroll } = follow(element, false);
    scroll.followBottom();
    expect(element.scrollTop).toBe(1000);
    expect(scroll.sticky).toBe(true);
    expect(scroll.following).toBe(false);
  });

  it('lets go when the user has just scrolled away', () => {
    const element = scroller(1000);
    const { scroll } = follow(element);
    scroll.noteIntent();
    scroll.followBottom();
    expect(element.scrollTop).toBe(1000);
    expect(scroll.sticky).toBe(false);
  });

  it('takes a scroll away as the user’s only just after their input', () => {
    const { scroll } = follow(scroller(1000));
    expect(scroll.scrolled(scroller(1000))).toBe(false);
    expect(scroll.sticky).toBe(true);
    scroll.noteIntent();
    expect(scroll.scrolled(scroller(1000))).toBe(false);
    expect(scroll.sticky).toBe(false);
  });

  it('is sticky again back at the bottom', () => {
    const { scroll } = follow(scroller(1000));
    scroll.noteIntent();
    scroll.scrolled(scroller(1000));
    expect(scroll.scrolled(scroller(4560))).toBe(true);
    expect(scroll.sticky).toBe(true);
  });

  it('follows again after a jump, whatever the user did just before', () => {
    const element = scroller(1000);
    const { scroll } = follow(element);
    scroll.noteIntent();
    scroll.scrolled(element);
    expect(scroll.sticky).toBe(false);
    scroll.noteIntent();
    scroll.jump();
    scroll.followBottom();
    expect(scroll.sticky).toBe(true);
    expect(element.scrollTop).toBe(5000);
  });

  it('is near the bottom only of a window without the newest items', () => {
    const { state, scroll } = follow(scroller(4500));
    expect(scroll.nearBottom()).toBe(false);
    state.live = false;
    expect(scroll.nearBottom()).toBe(true);
  });

  it('counts near the top only when not kept at the bottom', () => {
    const { scroll } = follow(scroller(100));
    expect(scroll.nearTop()).toBe(false);
    scroll.noteIntent();
    scroll.scrolled(scroller(100));
    expect(scroll.nearTop()).toBe(true);
  });

  it('knows nothing without a scroller', () => {
    const { scroll } = follow(undefined);
    expect(scroll.nearTop()).toBe(false);
    expect(scroll.nearBottom()).toBe(false);
    expect(scroll.limit(true)).toBe(24);
    expect(() => scroll.followBottom()).not.toThrow();
  });
});
