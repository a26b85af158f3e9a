import { rm } from 'node:fs/promises';
import { buildApp, launchChromium, serveApp } from '../test/e2e/helpers/browser.js';
import { IN_FLIGHT } from './crypto-bench.js';

/**
 * Ed25519 rates in Chromium: the built app, opened with `?test`, runs the
 * core's WebCrypto and pure-JS functions in the page for about a second each.
 * Uses the same message and the same in-flight batch size as the Node figures.
 */

/** Operations per second measured in the page. */
export interface BrowserCryptoRates {
  webCryptoVerifyPerSec: number;
  webCryptoSignPerSec: number;
  nobleVerifyPerSec: number;
  nobleSignPerSec: number;
}

/**
 * The code run in the page, as text: a function compiled here could pick up
 * helpers of the TypeScript loader that do not exist in the page. Its timing
 * loop matches harness.ts's opsPerSecond (warm-up, then about `durationMs`).
 */
const inPage = `async ({ durationMs, inFlight }) => {
  const core = window.__tidepoolCore;
  if (!core) throw new Error('The page did not expose the core (is ?test in the URL?)');
  if (!(await core.hasWebCryptoEd25519())) throw new Error('This Chromium has no WebCrypto Ed25519');
  const seed = new Uint8Array(32).map((_, i) => i + 1);
  const publicKey = core.publicKeyFromSeed(seed);
  const message = new TextEncoder().encode(JSON.stringify({ a: 'b'.repeat(600), n: 1 }));
  const signature = await core.ed25519Sign(message, seed);
  const rate = async (op) => {
    const warmUntil = performance.now() + Math.min(200, durationMs / 4);
    while (performance.now() < warmUntil) await op();
    let count = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < durationMs) {
      count += await op();
      elapsed = performance.now() - start;
    }
    return (count * 1000) / elapsed;
  };
  const batch = Array.from({ length: inFlight });
  return {
    nobleSignPerSec: await rate(() => (core.ed25519SignNoble(message, seed), 1)),
    nobleVerifyPerSec: await rate(() => (core.ed25519VerifyNoble(signature, message, publicKey) ? 1 : 0)),
    webCryptoSignPerSec: await rate(async () => {
      await Promise.all(batch.map(() => core.ed25519Sign(message, seed)));
      return inFlight;
    }),
    webCryptoVerifyPerSec: await rate(async () => {
      const results = await Promise.all(batch.map(() => core.ed25519Verify(signature, message, publicKey)));
      return results.filter(Boolean).length;
    }),
  };
}`;

/** Builds the app, opens it in Chromium and measures Ed25519 there. */
export async function measureBrowserCrypto(durationMs = 1000): Promise<BrowserCryptoRates> {
  const outDir = await buildApp();
  try {
    const server = await serveApp(outDir);
    try {
      const browser = await launchChromium();
      try {
        const page = await browser.context.newPage();
        await page.goto(`${server.url}?test`);
        await page.waitForFunction('window.__tidepoolCore !== undefined');
        const args = JSON.stringify({ durationMs, inFlight: IN_FLIGHT });
        return (await page.evaluate(`(${inPage})(${args})`)) as BrowserCryptoRates;
      } finally {
        await browser.close();
      }
    } finally {
      await server.stop();
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
