/**
 * The relay process: `node_modules/.bin/node --import tsx relay/main.ts
 * [--ws-port 9090] [--http-port 8448] [--domain localhost] [--key-file F]
 * [--tls-cert F --tls-key F] [--allow-private-destinations] …` (doc/relay.md).
 * Starts the libp2p host (relay/libp2p-host.ts) and the HTTP side on it
 * (relay/gateway/attach.ts: the gateway, `GET /_tidepool/v1/relay` which tells
 * the web app how to reach the relay, and the `/tidepool/forward/1` handler),
 * prints one JSON line when ready
 * (`{"event":"ready","peerId","multiaddrs","httpUrl"}`) and stops cleanly on
 * SIGTERM/SIGINT. Needs Node >= 22 (libp2p 3).
 */
import { parseRelayConfig, RelayConfigError } from './config.js';
import { attachHttpSide } from './gateway/attach.js';
import { startRelayHost } from './libp2p-host.js';

async function main(): Promise<void> {
  const config = parseRelayConfig(process.argv.slice(2), process.env, process.cwd());
  const host = await startRelayHost(config);
  const http = await attachHttpSide(host, {
    host: config.host,
    port: config.httpPort,
    ...config.http,
    onError: (error) => process.stderr.write(`relay: ${describe(error)}\n`),
  }).catch(async (error: unknown) => {
    await host.stop();
    throw error;
  });
  const scheme = config.http.tls ? 'https' : 'http';
  const httpUrl = `${scheme}://${config.host}:${http.port}`;
  const ready = { event: 'ready', peerId: host.peerId, multiaddrs: host.multiaddrs(), httpUrl };
  process.stdout.write(`${JSON.stringify(ready)}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping the relay\n`);
    // The HTTP side first: it dials and serves over the host's streams.
    await http.close().catch(() => undefined);
    await host.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

main().catch((error: unknown) => {
  const words =
    error instanceof RelayConfigError
      ? error.message
      : `The relay could not start: ${describe(error)}`;
  process.stderr.write(`${words}\n`);
  process.exit(1);
});
