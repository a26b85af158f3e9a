/**
 * The page side of the layout worker (event-graph-layout-worker.ts): a
 * LayoutBackend over a dedicated module worker and comlink. A worker that
 * fails to load or dies fails its layout with LayoutWorkerError instead of
 * leaving the view waiting for an answer that never comes.
 */
import { releaseProxy, wrap } from 'comlink';
import type { LayoutInput } from './event-graph-geometry.js';
import type { PackedLayout } from './event-graph-layout-pack.js';
import type { LayoutBackend } from './event-graph-layout-runner.js';
import type { LayoutWorkerApi } from './event-graph-layout-worker.js';

/** The layout worker could not run (it failed to load, or crashed). */
export class LayoutWorkerError extends Error {
  override name = 'LayoutWorkerError';
}

/** Starts a layout worker. */
export function workerLayoutBackend(): LayoutBackend {
  const worker = new Worker(new URL('./event-graph-layout-worker.ts', import.meta.url), {
    type: 'module',
    name: 'tidepool-graph-layout',
  });
  const remote = wrap<LayoutWorkerApi>(worker);
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      reject(
        new LayoutWorkerError(`The layout worker failed: ${event.message || 'it did not load'}`),
      );
    });
    worker.addEventListener('messageerror', () => {
      reject(new LayoutWorkerError('The layout worker sent a message that could not be read'));
    });
  });
  // Nobody may be waiting when it fails; a later layout still hears of it.
  failed.catch(() => undefined);
  return {
    layout: (nodes: LayoutInput[]): Promise<PackedLayout> =>
      Promise.race([remote.layout(nodes), failed]),
    close: () => {
      remote[releaseProxy]();
      worker.terminate();
    },
  };
}
