/**
 * `npm run bench`: every figure beside a baseline measured in the same run.
 * Benchmarks never fail a build on time; they print, and goals are marked
 * met or NOT met.
 */
import { measureCrypto } from './crypto-bench.js';
import { measureFederation } from './federation-bench.js';
import { printSection } from './harness.js';
import { measureInbound } from './inbound-bench.js';
import { measureMessagePath } from './message-path.js';
import { measureNodeSends } from './node-send-bench.js';
import { measurePduCheck } from './pdu-check-bench.js';
import { measureStateRes } from './state-res-bench.js';

async function main(): Promise<void> {
  console.log(`# Tidepool benchmarks — Node ${process.version}, ${new Date().toISOString()}`);

  const crypto = await measureCrypto();
  printSection('Ed25519 in Node (baseline for the PDU check)', crypto.figures);

  printSection('Inbound PDU check in Node', await measurePduCheck(crypto.rates));

  printSection('State resolution', await measureStateRes(['11', '12']));

  printSection('Local sends in Node (fake-indexeddb)', await measureNodeSends());

  printSection('Inbound transactions in Node (fake-indexeddb)', await measureInbound());

  printSection('Federation in Node (in-memory network, fake-indexeddb)', await measureFederation());
  const path = await measureMessagePath();
  printSection('A message between two nodes in Node (in-memory network, fake-indexeddb)', [
    {
      label: 'latency p50, sent → in the other timeline',
      value: path.p50,
      unit: 'ms',
      note: `goal ≤ 10 ms: ${path.p50 <= 10 ? 'met' : 'NOT met'}`,
    },
    {
      label: 'latency p99',
      value: path.p99,
      unit: 'ms',
      note: `goal ≤ 50 ms: ${path.p99 <= 50 ? 'met' : 'NOT met'}`,
    },
    {
      label: 'sustained, 3,000 in batches of 50',
      value: path.eventsPerSec,
      unit: 'events/s',
      note: `goal ≥ 1,000: ${path.eventsPerSec >= 1000 ? 'met' : 'NOT met'}`,
    },
    { label: 'CPU per message (both nodes)', value: path.cpuPerMessage, unit: 'ms' },
  ]);

  const { measureEventGraphLayout } = await import('./event-graph-bench.js');
  printSection('The event graph layout in Node (dagre)', await measureEventGraphLayout());

  if (process.env.TIDEPOOL_BENCH_BROWSER !== '0') {
    const { measureBrowserCrypto } = await import('./browser-crypto.js');
    const browser = await measureBrowserCrypto();
    printSection('Ed25519 in Chromium', [
      { label: '@noble/ed25519 verify', value: browser.nobleVerifyPerSec, unit: 'ops/s' },
      { label: 'WebCrypto Ed25519 sign', value: browser.webCryptoSignPerSec, unit: 'ops/s' },
      {
        label: 'WebCrypto Ed25519 verify',
        value: browser.webCryptoVerifyPerSec,
        unit: 'ops/s',
        note: `${(browser.webCryptoVerifyPerSec / browser.nobleVerifyPerSec).toFixed(1)}× noble`,
      },
    ]);
    const { measureBrowserNode } = await import('./browser-node-bench.js');
    printSection('The node in Chromium (worker, real IndexedDB)', await measureBrowserNode());
    const { measureP2p } = await import('./p2p-bench.js');
    printSection('Federation between browser nodes (libp2p)', await measureP2p());
    const { measureUiTimeline } = await import('./ui-timeline-bench.js');
    printSection(
      'The timeline in Chromium (bounded window)',
      await measureUiTimeline({ scrollTimeoutMs: 3 * 60_000 }),
    );
    const { measureEventGraphInChromium } = await import('./event-graph-bench.js');
    printSection(
      'The event graph in Chromium (node in its worker, layout in its own)',
      await measureEventGraphInChromium(),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
