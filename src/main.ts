/**
 * The page entry. It runs a self-check of the protocol core in the page, starts
 * the node named by `?node=NAME` in its worker (see doc/worker.md), and hands
 * both to `<tidepool-app>`.
 *
 * Once the node runs, and a relay is configured (`?relay=URL`, or the build's
 * VITE_TIDEPOOL_RELAY), the page starts the libp2p transport that carries the
 * node's federation (doc/transport.md).
 *
 * With `?test` in the URL the page also exposes the core as
 * `window.__tidepoolCore`, the node connection as `window.__tidepool`, the
 * node client as `window.__tidepoolClient` and the transport as
 * `window.__tidepoolTransport`, so end-to-end tests and benchmarks can drive
 * them. The hooks are for development only.
 */
import { proxy } from 'comlink';
import { decodeBase64, encodeBase64 } from './core/base64.js';
import { canonicalJson } from './core/canonical-json.js';
import {
  ed25519Sign,
  ed25519SignNoble,
  ed25519Verify,
  ed25519VerifyNoble,
  hasWebCryptoEd25519,
  publicKeyFromSeed,
} from './core/crypto/ed25519.js';
import { type Signable, signJson, verifyJson } from './core/signing.js';
import { pageTransportOptions } from './transport/page-options.js';
import { startTransport, type TidepoolTransport } from './transport/start-transport.js';
import type { SelfCheckResult, StartError } from './ui/app-shell.js';
import './ui/app-shell.js';
import {
  IMPORT_WARNING,
  listNodes,
  type NodeConnection,
  nodeNameFromLocation,
  startNode,
} from './ui/node-client.js';
import { importStorageKey } from './ui/node-name.js';

/** The spec's JSON signing test vector (appendices, "Cryptographic Test Vectors"). */
const SPEC_VECTOR = {
  seedBase64: 'YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1',
  serverName: 'domain',
  keyId: 'ed25519:1',
  input: { one: 1, two: 'Two' },
  canonical: '{"one":1,"two":"Two"}',
  signature:
    'KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw',
} as const;

/** The core functions `?test` exposes. */
const testCore = {
  canonicalJson,
  signJson,
  verifyJson,
  decodeBase64,
  encodeBase64,
  publicKeyFromSeed,
  hasWebCryptoEd25519,
  ed25519Sign,
  ed25519Verify,
  ed25519SignNoble,
  ed25519VerifyNoble,
};

/** The node client `?test` exposes; `proxy` wraps a listener for `api.subscribe`. */
const testClient = { startNode, listNodes, nodeNameFromLocation, IMPORT_WARNING, proxy };

declare global {
  interface Window {
    /** The protocol core, present only when the page URL has `?test`. */
    __tidepoolCore?: typeof testCore;
    /** The node connection once ready, present only with `?test`. */
    __tidepool?: NodeConnection;
    /** Why the node did not start, present only with `?test`. */
    __tidepoolStartError?: StartError;
    /** The node client, present only with `?test`. */
    __tidepoolClient?: typeof testClient;
    /** The federation transport once started, present only with `?test`. */
    __tidepoolTransport?: TidepoolTransport;
    /** Why the transport did not start (words), present only with `?test`. */
    __tidepoolTransportError?: string;
    /** The self-check result once it has run. */
    tidepoolSelfCheck?: SelfCheckResult;
  }
}

/** Signs the spec's example in this page and compares with the spec's signature. */
export async function runSelfCheck(): Promise<SelfCheckResult> {
  const v = SPEC_VECTOR;
  try {
    const canonical = canonicalJson(v.input);
    const signed: Signable = await signJson(
      { ...v.input },
      v.serverName,
      v.keyId,
      decodeBase64(v.seedBase64),
    );
    const signature = signed.signatures?.[v.serverName]?.[v.keyId] ?? '';
    const pass = canonical === v.canonical && signature === v.signature;
    return {
      status: pass ? 'pass' : 'fail',
      canonical,
      signature,
      expectedSignature: v.signature,
      webCryptoEd25519: await hasWebCryptoEd25519(),
    };
  } catch (error) {
    // Words, not a stack trace: the message of the core's typed errors reads well.
    const message = error instanceof Error && error.message ? error.message : String(error);
    return { status: 'error', message };
  }
}

const testMode = new URLSearchParams(location.search).has('test');
if (testMode) {
  window.__tidepoolCore = testCore;
  window.__tidepoolClient = testClient;
}

const app = document.querySelector('tidepool-app');
void runSelfCheck().then((result) => {
  window.tidepoolSelfCheck = result;
  if (app) app.selfCheck = result;
});

/** Shows why the node is not running, in the page (and to tests). */
function reportStartError(error: unknown): void {
  const startError: StartError =
    error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)
      ? { name: String((error as Error).name), message: String((error as Error).message) }
      : { name: 'Error', message: String(error) };
  if (testMode) {
    window.__tidepoolStartError = startError;
    window.__tidepool = undefined;
  }
  if (app) {
    app.connection = undefined;
    app.startError = startError;
  }
}

/**
 * Starts the node this URL names and hands the connection to the app. With
 * `&import`, the identity file the import form left in sessionStorage creates
 * the node (only if the name is new), and is removed once the node runs.
 */
async function startPageNode(): Promise<void> {
  try {
    const nodeName = nodeNameFromLocation(location);
    const importKey = importStorageKey(nodeName);
    const importIdentity = new URLSearchParams(location.search).has('import')
      ? (sessionStorage.getItem(importKey) ?? undefined)
      : undefined;
    const connection = await startNode(nodeName, {
      ...(importIdentity === undefined ? {} : { importIdentity }),
      onClosed: (notice) => reportStartError(notice),
    });
    if (importIdentity !== undefined) sessionStorage.removeItem(importKey);
    if (testMode) window.__tidepool = connection;
    if (app) app.connection = connection;
    void startPageTransport(connection);
  } catch (error) {
    reportStartError(error);
  }
}

/**
 * Starts federation links for the running node when a relay is configured.
 * A relay that is down does not stop the node: the transport retries and
 * says so in `status.message`.
 */
async function startPageTransport(connection: NodeConnection): Promise<void> {
  const { relayUrl, preferDirect } = pageTransportOptions(location.search);
  if (relayUrl === undefined) return;
  try {
    const transport = await startTransport({ api: connection.api, relayUrl, preferDirect });
    if (testMode) window.__tidepoolTransport = transport;
    if (app) app.transport = transport;
  } catch (error) {
    const words = error instanceof Error ? error.message : String(error);
    if (testMode) window.__tidepoolTransportError = `Federation could not start: ${words}`;
  }
}

void startPageNode();
