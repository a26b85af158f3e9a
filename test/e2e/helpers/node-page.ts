import type { BrowserContext, Page } from 'playwright-core';
import { inject } from 'vitest';

/**
 * Pages running a node: open the built app with `?test` and a node name, and
 * wait until the node is ready (`window.__tidepool`) or failed to start
 * (`window.__tidepoolStartError`). Errors the page logs are collected.
 */

/** A page and what it logged. */
export interface NodePage {
  page: Page;
  /** Uncaught errors and console errors of the page. */
  errors: string[];
}

/** The app URL for node `name` (plus any extra query text, e.g. `&import`). */
export function nodeUrl(name: string, extra = ''): string {
  return `${inject('appUrl')}?test&node=${encodeURIComponent(name)}${extra}`;
}

/** Opens node `name` in a new page of `context` and waits until it started or failed. */
export async function openNodePage(
  context: BrowserContext,
  name: string,
  extra = '',
): Promise<NodePage> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(nodeUrl(name, extra));
  await waitForStart(page);
  return { page, errors };
}

/** Waits until the page's node is ready or has failed to start. */
export async function waitForStart(page: Page): Promise<void> {
  await page.waitForFunction(
    () => window.__tidepool !== undefined || window.__tidepoolStartError !== undefined,
  );
}

/** The page's start error, failing the test if the node started instead. */
export async function startErrorOf(page: Page): Promise<{ name: string; message: string }> {
  const error = await page.evaluate(() => window.__tidepoolStartError);
  if (!error) throw new Error('The node started, but an error was expected');
  return error;
}

/** The page's node identity, failing the test with the start error if it did not start. */
export async function identityOf(page: Page) {
  const result = await page.evaluate(async () => {
    const connection = window.__tidepool;
    if (!connection) return { error: window.__tidepoolStartError };
    return { identity: await connection.api.identity(), nodeName: connection.nodeName };
  });
  if (!result.identity) throw new Error(`The node did not start: ${JSON.stringify(result.error)}`);
  return result.identity;
}
