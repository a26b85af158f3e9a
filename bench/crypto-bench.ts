import {
  ed25519Sign,
  ed25519SignNoble,
  ed25519Verify,
  ed25519VerifyNoble,
  hasWebCryptoEd25519,
  publicKeyFromSeed,
} from '../src/core/crypto/ed25519.js';
import { type Figure, opsPerSecond } from './harness.js';

/** How many verifications are kept in flight: WebCrypto's throughput needs many. */
export const IN_FLIGHT = 256;

/** Raw Ed25519 rates in this process, the baseline other figures are measured against. */
export interface CryptoRates {
  webCryptoVerify: number;
  webCryptoSign: number;
  nobleVerify: number;
  nobleSign: number;
}

/** Measures raw Ed25519 sign and verify rates, pure JS and WebCrypto. */
export async function measureCrypto(): Promise<{ rates: CryptoRates; figures: Figure[] }> {
  if (!(await hasWebCryptoEd25519())) throw new Error('This runtime has no WebCrypto Ed25519');
  const seed = new Uint8Array(32).map((_, i) => i + 1);
  const publicKey = publicKeyFromSeed(seed);
  const message = new TextEncoder().encode(JSON.stringify({ a: 'b'.repeat(600), n: 1 }));
  const signature = await ed25519Sign(message, seed);

  const nobleSign = await opsPerSecond(() => {
    ed25519SignNoble(message, seed);
    return 1;
  });
  const nobleVerify = await opsPerSecond(() =>
    ed25519VerifyNoble(signature, message, publicKey) ? 1 : 0,
  );
  const batch = Array.from({ length: IN_FLIGHT });
  const webCryptoSign = await opsPerSecond(async () => {
    await Promise.all(batch.map(() => ed25519Sign(message, seed)));
    return IN_FLIGHT;
  });
  const webCryptoVerify = await opsPerSecond(async () => {
    const results = await Promise.all(
      batch.map(() => ed25519Verify(signature, message, publicKey)),
    );
    return results.filter(Boolean).length;
  });
  const rates = { webCryptoVerify, webCryptoSign, nobleVerify, nobleSign };
  return {
    rates,
    figures: [
      { label: '@noble/ed25519 sign', value: nobleSign, unit: 'ops/s' },
      { label: '@noble/ed25519 verify', value: nobleVerify, unit: 'ops/s' },
      {
        label: `WebCrypto Ed25519 sign (${IN_FLIGHT} in flight)`,
        value: webCryptoSign,
        unit: 'ops/s',
        note: `${(webCryptoSign / nobleSign).toFixed(1)}× noble`,
      },
      {
        label: `WebCrypto Ed25519 verify (${IN_FLIGHT} in flight)`,
        value: webCryptoVerify,
        unit: 'ops/s',
        note: `${(webCryptoVerify / nobleVerify).toFixed(1)}× noble`,
      },
    ],
  };
}
