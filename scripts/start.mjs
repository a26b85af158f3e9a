#!/usr/bin/env node
/**
 * `npm start`: builds the app into dist/ and serves it on 127.0.0.1 with
 * `vite preview`. PORT chooses the port (default 8008). Ctrl-C stops it.
 */
import { build, preview } from 'vite';

const DEFAULT_PORT = 8008;
const HOST = '127.0.0.1';

const port = process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT;
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a port number from 1 to 65535, not "${process.env.PORT}".`);
  process.exit(1);
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
console.log('Press Ctrl-C to stop.');

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping Tidepool.`);
  await server.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
