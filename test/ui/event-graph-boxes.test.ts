import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { beforeEach, describe, expect, it } from 'vitest';
import { BOXES_PER_FRAME, BoxBatches } from '../../src/ui/event-graph-boxes.js';

/** A host that counts the renders asked for and runs `hostUpdated` on demand. */
class FakeHost implements ReactiveControllerHost {
  controllers: ReactiveController[] = [];
  renders = 0;
  updateComplete = Promise.resolve(true);
  addController(controller: ReactiveController): void {
    this.controllers.push(controller);
  }
  removeController(): void {}
  requestUpdate(): void {
    this.renders++;
  }
  /** One render: every controller's `hostUpdated`. */
  updated(): void {
    for (const c of this.controllers) c.hostUpdated?.();
  }
}

let frames: (() => void)[] = [];
/** The frame queue the controller is given, in place of the browser's. */
const frame = (callback: () => void) => void frames.push(callback);
/** Runs the frames asked for so far. */
const nextFrame = () => {
  const due = frames;
  frames = [];
  for (const f of due) f();
};

beforeEach(() => {
  frames = [];
});

describe('BoxBatches', () => {
  it('shows the first batch at once, then one more each frame until all have boxes', () => {
    const host = new FakeHost();
    let total = 0;
    const boxes = new BoxBatches(host, () => total, frame);
    expect(host.controllers).toEqual([boxes]);
    expect(boxes.shown).toBe(0);

    total = 120;
    boxes.start(total);
    expect(boxes.shown).toBe(BOXES_PER_FRAME);
    host.updated();
    host.updated();
    // One frame asked for, however many renders come before it.
    expect(frames).toHaveLength(1);
    nextFrame();
    expect(boxes.shown).toBe(100);
    host.updated();
    nextFrame();
    expect(boxes.shown).toBe(120);
    host.updated();
    expect(frames).toHaveLength(0);
  });

  it('keeps what is shown for a later drawing, and grows to its new total', () => {
    const host = new FakeHost();
    let total = 30;
    const boxes = new BoxBatches(host, () => total, frame);
    boxes.start(total);
    expect(boxes.shown).toBe(30);
    total = 31;
    boxes.start(total);
    expect(boxes.shown).toBe(30);
    host.updated();
    nextFrame();
    expect(boxes.shown).toBe(31);
  });

  it('asks for a render only when the count changes', () => {
    const host = new FakeHost();
    const boxes = new BoxBatches(host, () => 0, frame);
    boxes.reset();
    boxes.start(0);
    expect(host.renders).toBe(0);
    boxes.start(10);
    expect(host.renders).toBe(1);
    boxes.reset();
    expect([boxes.shown, host.renders]).toEqual([0, 2]);
  });

  it('does not grow past a total that shrank before the frame', () => {
    const host = new FakeHost();
    let total = 200;
    const boxes = new BoxBatches(host, () => total, frame);
    boxes.start(total);
    host.updated();
    total = 60;
    nextFrame();
    expect(boxes.shown).toBe(60);
  });
});
