import { type LayoutInput, layoutGraph } from '../src/ui/event-graph-layout.js';
import { packedBuffers, packLayout, unpackLayout } from '../src/ui/event-graph-layout-pack.js';
import { type Figure, medianMs } from './harness.js';
import { PAGE_TIMING } from './in-page.js';

/**
 * The event graph's layout (dagre, src/ui/event-graph-layout.ts) as a pure
 * function in Node: 500 and 2,000 events of a synthetic DAG that forks every
 * 10 events into two branches of three that merge again, the shape a room
 * takes across partitions and heals. The baseline is a plain 500-event chain
 * in the same run. In the app this runs in its own worker
 * (event-graph-layout-worker.ts); what the page still pays is receiving
 * the result: a structured clone of the plain layout (thousands of point
 * objects), against the packed one (typed arrays, transferred) and unpacked.
 * `measureEventGraphInChromium` adds the page's longest task in Chromium,
 * before (layout on the page) and after (layout in the worker).
 * Run alone: `node --import tsx bench/event-graph-bench.ts`
 * (`TIDEPOOL_BENCH_BROWSER=0` for the Node figures only).
 */

/** A chain of `count` events that forks every `forkEvery` events into two branches of `branch` events, then merges. */
export function syntheticDag(count: number, forkEvery = 10, branch = 3): LayoutInput[] {
  const nodes: LayoutInput[] = [];
  const id = (i: number) => `$e${i.toString().padStart(6, '0')}`;
  let heads: string[] = [];
  let depth = 0;
  const add = (prevEvents: string[], atDepth: number): string => {
    const eventId = id(nodes.length);
    nodes.push({ eventId, depth: atDepth, prevEvents });
    return eventId;
  };
  while (nodes.length < count) {
    if (forkEvery > 0 && heads.length === 1 && nodes.length % forkEvery === 0) {
      // Two servers each add `branch` events without seeing the other's.
      const from = heads[0] ?? '';
      const sides: string[] = [];
      for (let side = 0; side < 2 && nodes.length < count; side++) {
        let prev = from;
        for (let k = 1; k <= branch && nodes.length < count; k++) prev = add([prev], depth + k);
        sides.push(prev);
      }
      heads = sides;
      depth += branch;
    } else {
      depth += 1;
      heads = [add(heads, depth)];
    }
  }
  return nodes;
}

/** Milliseconds per layout of `nodes`, median of `runs`. */
async function layoutMs(nodes: readonly LayoutInput[], runs: number): Promise<number> {
  return medianMs(() => layoutGraph(nodes), runs);
}

/** Layout times for a 500-event chain (baseline) and 500- and 2,000-event forked DAGs. */
export async function measureEventGraphLayout(): Promise<Figure[]> {
  const chain = syntheticDag(500, 0);
  const dag500 = syntheticDag(500);
  const dag2000 = syntheticDag(2000);
  const chainMs = await layoutMs(chain, 5);
  const dag500Ms = await layoutMs(dag500, 5);
  const dag2000Ms = await layoutMs(dag2000, 3);
  const layout2000 = layoutGraph(dag2000);
  const cloneMs = await medianMs(() => structuredClone(layout2000), 9);
  const packedMs = await medianMs(() => {
    const packed = packLayout(layout2000);
    return unpackLayout(structuredClone(packed, { transfer: packedBuffers(packed) }));
  }, 9);
  const ratio = (ms: number) => `${(ms / chainMs).toFixed(1)}× the chain`;
  return [
    { label: 'layout, 500-event chain (baseline)', value: chainMs, unit: 'ms' },
    {
      label: 'layout, 500 events, a fork every 10',
      value: dag500Ms,
      unit: 'ms',
      note: ratio(dag500Ms),
    },
    {
      label: 'layout, 2,000 events, a fork every 10',
      value: dag2000Ms,
      unit: 'ms',
      note: ratio(dag2000Ms),
    },
    {
      label: 'structured clone of the 2,000-event layout',
      value: cloneMs,
      unit: 'ms',
      note: 'what the page would pay to receive it plain',
    },
    {
      label: 'packed, transferred, unpacked (2,000 events)',
      value: packedMs,
      unit: 'ms',
      note: `${(cloneMs / packedMs).toFixed(1)}× less than the plain clone`,
    },
  ];
}

/** In-page helpers: the room view's parts, a long-task recorder, a wait. */
const HELPERS = `
  ${PAGE_TIMING}
  // Straight to the elements: walking every shadow root while waiting would cost the page more than the graph.
  const roomView = () => document.querySelector('tidepool-app')?.shadowRoot?.querySelector('tp-room-view')?.shadowRoot;
  const graphButton = () => [...(roomView()?.querySelectorAll('button') ?? [])].find((b) => b.textContent.trim() === 'Graph');
  const graph = () => roomView()?.querySelector('tp-event-graph')?.shadowRoot;
  const drawn = () => graph()?.querySelectorAll('g.node').length ?? 0;
`;

/** A room of `total` messages, opened in the app. */
const seedRoom = `async ({ total }) => {
  ${HELPERS}
  const api = window.__tidepool.api;
  const roomId = await api.createRoom({ name: 'Graph bench' });
  await api.sendMessages(roomId, Array.from({ length: total }, (_, i) => ({ msgtype: 'm.text', body: 'Message ' + i })));
  location.hash = '#room=' + encodeURIComponent(roomId);
  await until(() => graphButton() !== undefined, 60000, 'the room to open');
  await sleep(500);
  // What the view will draw: the node's default window.
  return { roomId, events: (await api.roomGraph(roomId)).nodes.length };
}`;

/** Opens the graph panel; the longest task and the time until every event is drawn. */
const showGraph = `async ({ events }) => {
  ${HELPERS}
  const tasks = recordTasks();
  const start = performance.now();
  graphButton().click();
  await until(() => drawn() >= events, 120000, 'the graph to be drawn');
  const drawnMs = performance.now() - start;
  await sleep(200);
  const durations = tasks.stop();
  graphButton().click();
  await sleep(300);
  return { drawnMs, longest: Math.max(0, ...durations), longTasks: durations.length };
}`;

/** With the graph shown, one more message: the longest task until it is drawn. */
const oneMore = `async ({ roomId, events, i }) => {
  ${HELPERS}
  graphButton().click();
  await until(() => drawn() >= events, 120000, 'the graph to be drawn');
  await sleep(300);
  const tasks = recordTasks();
  const start = performance.now();
  const eventId = await window.__tidepool.api.sendMessage(roomId, { msgtype: 'm.text', body: 'One more ' + i });
  await until(() => graph()?.querySelector('g.node.head[data-event-id="' + eventId + '"]') !== null, 120000, 'the new event');
  const drawnMs = performance.now() - start;
  await sleep(200);
  const durations = tasks.stop();
  graphButton().click();
  await sleep(300);
  return { drawnMs, longest: Math.max(0, ...durations), longTasks: durations.length };
}`;

/** What the old view did on the page: layoutGraph on the main thread, in one task. */
const layoutOnPage = `async ({ roomId }) => {
  ${HELPERS}
  const { layoutGraph } = await import('/src/ui/event-graph-layout.ts');
  const read = await window.__tidepool.api.roomGraph(roomId);
  await sleep(100);
  const tasks = recordTasks();
  const start = performance.now();
  layoutGraph(read.nodes);
  const ms = performance.now() - start;
  await sleep(200);
  const durations = tasks.stop();
  return { ms, longest: Math.max(0, ...durations) };
}`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * The graph of a `messages`-message room in Chromium, the app from Vite's dev
 * server (so the page can also import the layout module itself) with a real
 * node in its worker: the longest main-thread task (PerformanceObserver
 * `longtask`) while the Graph panel opens and draws every event, against
 * laying the same graph out on the page's main thread as the view used to.
 */
export async function measureEventGraphInChromium(messages = 500, runs = 3): Promise<Figure[]> {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { createServer } = await import('vite');
  const { launchChromium, ROOT } = await import('../test/e2e/helpers/browser.js');
  const cacheDir = await mkdtemp(join(tmpdir(), 'tidepool-graph-bench-'));
  const vite = await createServer({
    root: ROOT,
    cacheDir,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, hmr: false },
  });
  await vite.listen();
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    const evaluate = <T>(fn: string, args: unknown) =>
      page.evaluate(`(${fn})(${JSON.stringify(args)})`) as Promise<T>;
    await page.goto(`${vite.resolvedUrls?.local[0] ?? ''}?test&node=graphbench`);
    await page.waitForFunction(
      'window.__tidepool !== undefined || window.__tidepoolStartError',
      undefined,
      {
        timeout: 120_000,
      },
    );
    const { roomId, events } = await evaluate<{ roomId: string; events: number }>(seedRoom, {
      total: messages,
    });
    const shown: { drawnMs: number; longest: number; longTasks: number }[] = [];
    const before: { ms: number; longest: number }[] = [];
    const more: { drawnMs: number; longest: number; longTasks: number }[] = [];
    // One warm-up of each: the dev server compiles the worker and dagre on first use.
    await evaluate(showGraph, { events });
    await evaluate(layoutOnPage, { roomId });
    for (let i = 0; i < runs; i++) {
      shown.push(await evaluate(showGraph, { events }));
      before.push(await evaluate(layoutOnPage, { roomId }));
      more.push(await evaluate(oneMore, { roomId, events, i }));
    }
    const count = events.toLocaleString('en-US');
    const beforeLongest = median(before.map((b) => b.longest));
    const afterLongest = median(shown.map((s) => s.longest));
    return [
      {
        label: `before: layout on the page, ${count} events (longest task)`,
        value: beforeLongest,
        unit: 'ms',
        note: `layoutGraph itself ${median(before.map((b) => b.ms)).toFixed(0)} ms; median of ${runs}`,
      },
      {
        label: `after: Graph panel opened, ${count} events (longest task)`,
        value: afterLongest,
        unit: 'ms',
        note: `${afterLongest > 0 ? `${(beforeLongest / afterLongest).toFixed(1)}× shorter` : 'no task over 50 ms'}; runs ${shown.map((s) => s.longest.toFixed(0)).join(', ')} ms`,
      },
      {
        label: 'after: one more event while shown (longest task)',
        value: median(more.map((m) => m.longest)),
        unit: 'ms',
        note: `runs ${more.map((m) => m.longest.toFixed(0)).join(', ')} ms; drawn after ${median(more.map((m) => m.drawnMs)).toFixed(0)} ms`,
      },
      {
        label: 'after: opened → every event drawn',
        value: median(shown.map((s) => s.drawnMs)),
        unit: 'ms',
        note: 'a new layout worker each time, laid out, rendered',
      },
    ];
  } finally {
    await browser.close();
    await vite.close();
    await rm(cacheDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { printSection } = await import('./harness.js');
  printSection('The event graph layout in Node (dagre)', await measureEventGraphLayout());
  if (process.env.TIDEPOOL_BENCH_BROWSER !== '0') {
    printSection(
      'The event graph in Chromium (node in its worker, layout in its own)',
      await measureEventGraphInChromium(),
    );
  }
}
