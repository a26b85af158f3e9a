import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';

/**
 * End-to-end plumbing: build the app once into a temporary directory, serve it
 * with `vite preview` on a free 127.0.0.1 port, and drive Debian's Chromium
 * with Playwright (no browser download). Also the vitest globalSetup of
 * vitest.e2e.config.ts, and used by the browser benchmarks.
 */

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const VITE = join(ROOT, 'node_modules/vite/bin/vite.js');

/** The Chromium binary: CHROMIUM_PATH, or Debian's package. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Flags for a quiet, headless Chromium that talks to nothing but our server. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A running Chromium with its own profile. */
export interface ChromiumSession {
  context: BrowserContext;
  /** The profile (user data) directory. */
  profile: string;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
  /** Closes the browser and keeps the profile, to relaunch on it or look at its files. */
  closeKeepingProfile(): Promise<void>;
}

/**
 * Launches Chromium with a fresh temporary profile, or on `profile` (an
 * earlier session's, kept by closeKeepingProfile).
 */
export async function launchChromium(profile?: string): Promise<ChromiumSession> {
  const dir = profile ?? (await mkdtemp(join(tmpdir(), 'tidepool-chromium-')));
  try {
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    return {
      context,
      profile: dir,
      async close() {
        await context.close();
        await rm(dir, { recursive: true, force: true });
      },
      async closeKeepingProfile() {
        await context.close();
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Builds the app with Vite into a new temporary directory and returns it. */
export async function buildApp(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'tidepool-dist-'));
  const child = startVite(['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn']);
  const code = await new Promise<number | null>((resolve) => child.process.on('exit', resolve));
  if (code !== 0) {
    await rm(outDir, { recursive: true, force: true });
    throw new Error(`vite build failed (exit ${code}):\n${child.output()}`);
  }
  return outDir;
}

/** A running `vite preview` server. */
export interface AppServer {
  /** The page's URL, e.g. http://127.0.0.1:40123/ */
  url: string;
  /** Stops the server (by its PID) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Serves a built app with `vite preview` on a free 127.0.0.1 port. */
export async function serveApp(outDir: string): Promise<AppServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const child = startVite([
    'preview',
    '--outDir',
    outDir,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--strictPort',
  ]);
  const exited = new Promise<void>((resolve) => child.process.on('exit', () => resolve()));
  const stop = async () => {
    if (child.process.exitCode === null && child.process.pid) process.kill(child.process.pid);
    await exited;
  };
  const deadline = Date.now() + 30_000;
  while (!(await responds(url))) {
    if (child.process.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`vite preview did not start on ${url}:\n${child.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, stop };
}

/** vitest globalSetup: build and serve once for all e2e files; tests `inject('appUrl')`. */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = await buildApp();
  const server = await serveApp(outDir).catch(async (error: unknown) => {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  });
  project.provide('appUrl', server.url);
  return async () => {
    await server.stop();
    await rm(outDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the built app served for the e2e tests. */
    appUrl: string;
  }
}

function startVite(args: string[]): { process: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [VITE, ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { process: child, output: () => output };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function responds(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
