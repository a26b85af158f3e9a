/**
 * The event graph's layout worker: dagre runs here, off the page's main
 * thread, so a room of hundreds of events never freezes the page while it is
 * laid out. One per `<tp-event-graph>`, started by event-graph-layout-client.ts.
 */
import { expose, transfer } from 'comlink';
import type { LayoutInput } from './event-graph-geometry.js';
import { layoutGraph } from './event-graph-layout.js';
import { type PackedLayout, packedBuffers, packLayout } from './event-graph-layout-pack.js';

/** What the page may call on the layout worker. */
export interface LayoutWorkerApi {
  /** Lays out `nodes` (see layoutGraph), packed for transfer. */
  layout(nodes: LayoutInput[]): PackedLayout;
}

const api: LayoutWorkerApi = {
  layout(nodes) {
    const packed = packLayout(layoutGraph(nodes));
    return transfer(packed, packedBuffers(packed));
  },
};

expose(api);
