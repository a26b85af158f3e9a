#!/usr/bin/env node
/**
 * `npm start`: starts the relay (a child process on the project's Node 22,
 * libp2p needs it), builds the app into dist/ with that relay as its default
 * (VITE_TIDEPOOL_RELAY), and serves it on 127.0.0.1 with `vite preview`.
 * PORT chooses the app's port (default 8008); TIDEPOOL_RELAY_WS_PORT and
 * TIDEPOOL_RELAY_HTTP_PORT the relay's (9090, 8448). TIDEPOOL_NO_RELAY=1 serves
 * the app alone. Ctrl-C stops both; the relay is stopped by its PID.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const DEFAULT_PORT = 8008;
const HOST = '127.0.0.1';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');

const port = process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT;
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a port number from 1 to 65535, not "${process.env.PORT}".`);
  process.exit(1);
}

/** @type {import('node:child_process').ChildProcess | undefined} */
let relay;

function stopRelay() {
  if (relay?.pid && relay.exitCode === null) process.kill(relay.pid, 'SIGTERM');
}
process.on('exit', stopRelay);

/** Starts the relay and resolves with the JSON line it prints when ready. */
function startRelay() {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['--import', 'tsx', 'relay/main.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    relay = child;
    let line = '';
    child.stdout.on('data', (chunk) => {
      line += chunk.toString();
      const end = line.indexOf('\n');
      if (end === -1) return;
      try {
        resolve(JSON.parse(line.slice(0, end)));
      } catch {
        reject(new Error(`the relay printed something unexpected: ${line}`));
      }
      // Later output of the relay goes to our stdout.
      child.stdout.removeAllListeners('data');
      child.stdout.pipe(process.stdout);
    });
    child.on('exit', (code) => reject(new Error(`the relay exited (${code}) before it was ready`)));
  });
}

let relayReady;
if (process.env.TIDEPOOL_NO_RELAY !== '1') {
  try {
    relayReady = await startRelay();
    process.env.VITE_TIDEPOOL_RELAY = relayReady.httpUrl;
  } catch (error) {
    console.error(`The relay did not start: ${error instanceof Error ? error.message : error}`);
    console.error('Check the ports (TIDEPOOL_RELAY_WS_PORT, TIDEPOOL_RELAY_HTTP_PORT).');
    process.exit(1);
  }
}

try {
  await build({ logLevel: 'warn' });
} catch (error) {
  console.error(`The build failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}

let server;
try {
  server = await preview({ logLevel: 'warn', preview: { host: HOST, port, strictPort: true } });
} catch (error) {
  const inUse = error instanceof Error && /already in use/i.test(error.message);
  console.error(
    inUse
      ? `Port ${port} on ${HOST} is already in use. Choose another, e.g. PORT=8009 npm start.`
      : `Could not start the server: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
}

console.log(`Tidepool is running at http://${HOST}:${port}/`);
if (relayReady) {
  console.log(`The relay is at ${relayReady.httpUrl} (libp2p ${relayReady.multiaddrs.join(', ')})`);
}
console.log('Press Ctrl-C to stop.');

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping Tidepool.`);
  stopRelay();
  await server.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
