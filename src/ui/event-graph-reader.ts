/**
 * Reads a room's graph from the node and lays it out in the worker, keeping
 * only the newest: a read answered after a newer one was asked for, or after
 * the room changed, is dropped; a layout finishing after a newer one was asked
 * for is dropped too. The graph drawn and its layout always come from the same
 * read (or a newer read with the same key, for fresher words).
 */
import type { ReactiveControllerHost } from 'lit';
import type { GraphReads, RoomGraph } from '../node/room-graph.js';
import { errorText } from './errors.js';
import type { GraphLayout, Point } from './event-graph-geometry.js';
import { workerLayoutBackend } from './event-graph-layout-client.js';
import { LayoutRunner } from './event-graph-layout-runner.js';
import { boundGraph, drawingKey } from './event-graph-read.js';
import { stableShift } from './event-graph-shift.js';

/** A graph as read, its layout, and how far the boxes' group is moved (event-graph-shift.ts). */
export interface Drawing {
  graph: RoomGraph;
  layout: GraphLayout;
  shift: Point;
}

/** What is read, as the host has it now: asked again after each read returns. */
export interface GraphSource {
  api: GraphReads | undefined;
  roomId: string;
  limit: number;
}

/** One view's reads and layouts; the host renders what it holds. */
export class EventGraphReader {
  #drawing?: Drawing;
  #layingOut?: number;
  #error?: string;
  #reading = 0;
  /** What the newest layout asked for is of: the room, its events, their statuses, the heads. */
  #layoutKey = '';
  /** The newest graph read, with its key: a layout finishing draws it if the keys match. */
  #latest?: { key: string; graph: RoomGraph };
  /** The key of what is drawn. */
  #drawnKey = '';
  readonly #layouts = new LayoutRunner(workerLayoutBackend);

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: () => GraphSource,
    /** Called with the graph about to be drawn from a new layout, before the host renders it. */
    private readonly willDraw: (graph: RoomGraph) => void,
  ) {}

  /** What is drawn: a graph and its layout, always from the same read. */
  get drawing(): Drawing | undefined {
    return this.#drawing;
  }

  /** The number of events being laid out now, if a layout runs. */
  get layingOut(): number | undefined {
    return this.#layingOut;
  }

  /** Why nothing new is drawn, if a read or a layout failed. */
  get error(): string | undefined {
    return this.#error;
  }

  /** Reads the graph; lays it out only if the drawing would change. */
  async load(): Promise<void> {
    const { api, roomId, limit } = this.source();
    if (!api || !roomId) return;
    const reading = ++this.#reading;
    try {
      const read = await api.roomGraph(roomId, { limit });
      const now = this.source();
      if (reading !== this.#reading || roomId !== now.roomId) return;
      const graph = boundGraph(read, now.limit);
      const key = drawingKey(roomId, graph);
      this.#latest = { key, graph };
      this.#setError(undefined);
      if (key === this.#layoutKey) {
        // Same drawing, fresher words (reasons); or the layout for it is still running.
        if (this.#drawing && this.#drawnKey === key) {
          this.#setDrawing({ ...this.#drawing, graph });
        }
      } else {
        this.#layoutKey = key;
        void this.#lay(key, graph);
      }
    } catch (error) {
      if (reading === this.#reading)
        this.#setError(`Could not read the event graph: ${errorText(error)}`);
    }
  }

  /** Forgets the drawing and ends the running layout: the old room's is not worth finishing. */
  reset(): void {
    this.#layouts.cancel();
    this.#setDrawing(undefined);
    this.#drawnKey = '';
    this.#setLayingOut(undefined);
    this.#layoutKey = '';
    this.#latest = undefined;
  }

  /** Ends the layout worker (the view left the page); the drawing stays, and `load` lays out again. */
  close(): void {
    this.#layouts.close();
    this.#layoutKey = '';
    this.#setLayingOut(undefined);
  }

  /** Lays `graph` out in the worker; drawn only if no newer graph was asked for meanwhile. */
  async #lay(key: string, graph: RoomGraph): Promise<void> {
    this.#setLayingOut(graph.nodes.length);
    try {
      const layout = await this.#layouts.run(graph.nodes);
      // Stale: a newer layout was asked for (it will be drawn), or the room changed.
      if (layout === undefined || key !== this.#layoutKey) return;
      const latest = this.#latest?.key === key ? this.#latest.graph : graph;
      this.willDraw(latest);
      this.#setDrawing({ graph: latest, layout, shift: stableShift(this.#drawing, layout) });
      this.#drawnKey = key;
      this.#setLayingOut(undefined);
    } catch (error) {
      if (key !== this.#layoutKey) return;
      this.#setLayingOut(undefined);
      // Asked again on the next change; the error says why nothing new is drawn.
      this.#layoutKey = '';
      this.#setError(`Could not lay out the event graph: ${errorText(error)}`);
    }
  }

  // Each setter asks for a render only on a change, as a Lit @state property would.
  #setDrawing(drawing: Drawing | undefined): void {
    if (drawing !== this.#drawing) this.host.requestUpdate();
    this.#drawing = drawing;
  }

  #setLayingOut(count: number | undefined): void {
    if (count !== this.#layingOut) this.host.requestUpdate();
    this.#layingOut = count;
  }

  #setError(error: string | undefined): void {
    if (error !== this.#error) this.host.requestUpdate();
    this.#error = error;
  }
}
