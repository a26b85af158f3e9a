/**
 * The page entry. Until the node exists, it runs a self-check of the protocol
 * core in the page and hands the result to `<tidepool-app>`.
 *
 * With `?test` in the URL the page also exposes the core as
 * `window.__tidepoolCore`, so end-to-end tests and benchmarks can run it in the
 * browser. Nothing secret lives in this page yet; the hook is for development.
 */
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
import type { SelfCheckResult } from './ui/app-shell.js';
import './ui/app-shell.js';

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

declare global {
  interface Window {
    /** The protocol core, present only when the page URL has `?test`. */
    __tidepoolCore?: typeof testCore;
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

if (new URLSearchParams(location.search).has('test')) window.__tidepoolCore = testCore;

const app = document.querySelector('tidepool-app');
void runSelfCheck().then((result) => {
  window.tidepoolSelfCheck = result;
  if (app) app.selfCheck = result;
});
