import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './browser.js';

/**
 * The real relay process for end-to-end tests and benchmarks: started with
 * the project's Node 22 (`node_modules/.bin/node`, libp2p 3 needs it), on
 * free 127.0.0.1 ports and a temporary key file, stopped by its PID. A restart
 * reuses the ports and the key, so browsers find the same peer ID again.
 */

/** What the relay printed when ready. */
export interface RelayReady {
  peerId: string;
  multiaddrs: string[];
  httpUrl: string;
}

/** A running relay process. */
export interface RelayProcess extends RelayReady {
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL (a crash), and wait for the exit. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and key (after stop or kill). */
  restart(): Promise<void>;
  /** Stops it if running and deletes its key directory. */
  dispose(): Promise<void>;
}

const NODE = join(ROOT, 'node_modules/.bin/node');

/** Extra settings for the relay process. */
export interface RelayProcessOptions {
  /** More flags (e.g. `--tls-cert F --tls-key F --allow-private-destinations`), kept on restart. */
  args?: string[];
  /** More environment variables (e.g. `NODE_EXTRA_CA_CERTS`). */
  env?: Record<string, string>;
}

function spawnRelay(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; ready: RelayReady }> {
  const child = spawn(NODE, ['--import', 'tsx', 'relay/main.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
      reject(new Error(`The relay did not start in 30 s:\n${output}`));
    }, 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    let line = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      line += chunk.toString();
      const end = line.indexOf('\n');
      if (end === -1) return;
      clearTimeout(timer);
      try {
        const ready = JSON.parse(line.slice(0, end)) as RelayReady & { event: string };
        resolve({ child, ready });
      } catch (error) {
        reject(new Error(`The relay printed something unexpected: ${line}`, { cause: error }));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The relay exited (${code}) before it was ready:\n${output}`));
    });
  });
}

function portOf(address: string, pattern: RegExp): string {
  const match = pattern.exec(address);
  if (!match?.[1]) throw new Error(`No port in ${address}`);
  return match[1];
}

/** Starts a relay on free ports with a fresh key. */
export async function startRelayProcess(options: RelayProcessOptions = {}): Promise<RelayProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'tidepool-relay-'));
  const extra = options.args ?? [];
  const first = await spawnRelay(
    ['--ws-port', '0', '--http-port', '0', '--key-file', join(dir, 'key'), ...extra],
    options.env,
  ).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  let child: ChildProcess | undefined = first.child;
  const wsPort = portOf(first.ready.multiaddrs[0] ?? '', /\/tcp\/(\d+)\/ws/);
  const httpPort = portOf(first.ready.httpUrl, /:(\d+)$/);
  const args = [
    '--ws-port',
    wsPort,
    '--http-port',
    httpPort,
    '--key-file',
    join(dir, 'key'),
    ...extra,
  ];

  const end = async (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    if (!running?.pid || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    process.kill(running.pid, signal);
    await exited;
  };

  return {
    ...first.ready,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    async restart() {
      await end('SIGTERM');
      child = (await spawnRelay(args, options.env)).child;
    },
    async dispose() {
      await end('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
