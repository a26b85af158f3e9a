import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readConformance } from '../helpers/conformance.js';
import { type ChromiumSession, launchChromium } from './helpers/browser.js';

/**
 * The protocol core running in Chromium, against the spec's test vectors: the
 * page's own self-check, and the core exposed by `?test` fed the conformance
 * data from here.
 */

interface CanonicalVectors {
  vectors: { input_text: string; expected_canonical: string }[];
}
interface SigningVectors {
  signing_key: {
    seed_base64: string;
    server_name: string;
    key_id: string;
    derived_public_key_base64: string;
  };
  vectors: {
    name: string;
    input: Record<string, unknown>;
    expected_signed: { signatures: Record<string, Record<string, string>> };
    signed_bytes: string;
  }[];
}

const canonical = readConformance<CanonicalVectors>('spec/canonical_json.json');
const signing = readConformance<SigningVectors>('spec/signing_json.json');
const key = signing.signing_key;
const expectedSignature = (name: string) => {
  const vector = signing.vectors.find((v) => v.name === name);
  return vector?.expected_signed.signatures[key.server_name]?.[key.key_id];
};

let browser: ChromiumSession;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(`${inject('appUrl')}?test`);
  await page.waitForFunction(() => window.tidepoolSelfCheck !== undefined);
  // The self-check lives in the collapsible "Diagnostics" section of the page.
  await page.getByText('Diagnostics', { exact: true }).click();
});

afterAll(async () => {
  await browser?.close();
});

describe('the page', () => {
  it('shows the spec signature in the core self-check panel', async () => {
    const panel = page.getByRole('region', { name: 'Core self-check' });
    await expect.poll(() => panel.getAttribute('data-status')).toBe('pass');
    expect(await page.getByTestId('self-check-signature').textContent()).toBe(
      expectedSignature('one/two object'),
    );
    expect(await page.getByTestId('self-check-canonical').textContent()).toBe(
      '{"one":1,"two":"Two"}',
    );
    expect(await panel.getByText('Passed').isVisible()).toBe(true);
    expect(await page.getByRole('heading', { level: 1, name: 'Tidepool' }).isVisible()).toBe(true);
  });

  it('reports WebCrypto Ed25519 as available in Chromium', async () => {
    const result = await page.evaluate(() => window.tidepoolSelfCheck);
    expect(result).toMatchObject({ status: 'pass', webCryptoEd25519: true });
    expect(await page.getByTestId('self-check-webcrypto').textContent()).toContain('Available');
  });

  it('fits a 360 px wide screen without sideways scrolling', async () => {
    const narrow = await browser.context.newPage();
    await narrow.setViewportSize({ width: 360, height: 740 });
    await narrow.goto(inject('appUrl'));
    await narrow.waitForFunction(() => window.tidepoolSelfCheck !== undefined);
    const scrollWidth = await narrow.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth).toBeLessThanOrEqual(360);
    await narrow.close();
  });

  it('exposes the core only when the URL has ?test', async () => {
    const plain = await browser.context.newPage();
    await plain.goto(inject('appUrl'));
    await plain.waitForFunction(() => window.tidepoolSelfCheck !== undefined);
    expect(await plain.evaluate(() => window.__tidepoolCore === undefined)).toBe(true);
    expect(await page.evaluate(() => window.__tidepoolCore !== undefined)).toBe(true);
    await plain.close();
  });
});

describe('the core in Chromium', () => {
  it('serialises the spec canonical JSON examples', async () => {
    const inputs = canonical.vectors.map((v) => v.input_text);
    const outputs = await page.evaluate(
      (texts) => texts.map((text) => window.__tidepoolCore!.canonicalJson(JSON.parse(text))),
      inputs,
    );
    expect(outputs).toEqual(canonical.vectors.map((v) => v.expected_canonical));
  });

  it('signs the spec JSON signing vectors with WebCrypto and verifies them', async () => {
    const results = await page.evaluate(
      ({ key, inputs }) => {
        const core = window.__tidepoolCore!;
        const seed = core.decodeBase64(key.seed_base64);
        const publicKey = core.decodeBase64(key.derived_public_key_base64);
        return Promise.all(
          inputs.map(async (input) => {
            const signed = await core.signJson(input, key.server_name, key.key_id, seed);
            const tampered = { ...signed, extra: 'x' };
            return {
              signed,
              verified: await core.verifyJson(signed, key.server_name, key.key_id, publicKey),
              tampered: await core.verifyJson(tampered, key.server_name, key.key_id, publicKey),
            };
          }),
        );
      },
      { key, inputs: signing.vectors.map((v) => v.input) },
    );
    expect(results).toHaveLength(signing.vectors.length);
    results.forEach((result, i) => {
      const vector = signing.vectors[i]!;
      expect(result.signed, vector.name).toEqual(vector.expected_signed);
      expect(result.verified, vector.name).toBe(true);
      expect(result.tampered, vector.name).toBe(false);
    });
  });

  it('agrees with the pure-JS fallback on the spec signatures', async () => {
    const results = await page.evaluate(
      ({ key, messages }) => {
        const core = window.__tidepoolCore!;
        const seed = core.decodeBase64(key.seed_base64);
        const publicKey = core.decodeBase64(key.derived_public_key_base64);
        return messages.map((text) => {
          const message = new TextEncoder().encode(text);
          const signature = core.ed25519SignNoble(message, seed);
          return {
            signature: core.encodeBase64(signature),
            verified: core.ed25519VerifyNoble(signature, message, publicKey),
          };
        });
      },
      { key, messages: signing.vectors.map((v) => v.signed_bytes) },
    );
    expect(results).toEqual(
      signing.vectors.map((v) => ({ signature: expectedSignature(v.name), verified: true })),
    );
  });

  it('logged no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
