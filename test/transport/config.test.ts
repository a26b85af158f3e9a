import { describe, expect, it } from 'vitest';
import { parseRelayConfig, RelayConfigError } from '../../relay/config.js';
import { pageTransportOptions } from '../../src/transport/page-options.js';
import { parseRelayInfo, relayDialAddress } from '../../src/transport/relay-info.js';

const PEER = '12D3KooWKiKTgmk5yVzf1rURbpX3CZ6kpDtPj984q8sizeDHrWpQ';

describe('relay configuration', () => {
  it('defaults to 127.0.0.1, ports 9090/8448, localhost and a key under the cwd', () => {
    const config = parseRelayConfig([], {}, '/srv/tp');
    expect(config).toMatchObject({
      host: '127.0.0.1',
      wsPort: 9090,
      httpPort: 8448,
      domain: 'localhost',
      keyFile: '/srv/tp/.tidepool-relay/relay-key',
    });
    expect(config.limits.maxReservations).toBeGreaterThan(0);
  });

  it('flags win over environment variables, which win over defaults', () => {
    const env = { TIDEPOOL_RELAY_WS_PORT: '7000', TIDEPOOL_RELAY_HTTP_PORT: '7001' };
    const config = parseRelayConfig(['--ws-port=7100', '--domain', 'Relay.Example'], env, '/');
    expect(config).toMatchObject({ wsPort: 7100, httpPort: 7001, domain: 'relay.example' });
  });

  it.each([
    [['--ws-port', '70000']],
    [['--http-port', 'x']],
    [['--ws-port']],
    [['--bogus', '1']],
    [['positional']],
    [['--domain', 'a b']],
    [['--max-reservations', '0']],
  ])('refuses %j with words', (argv) => {
    expect(() => parseRelayConfig(argv, {}, '/')).toThrow(RelayConfigError);
  });
});

describe('the relay’s HTTP-side flags', () => {
  const files: Record<string, string> = {
    '/srv/tp/gw.pem': 'CERT',
    '/srv/tp/gw.key': 'KEY',
    '/etc/tp/cert.pem': 'ENV CERT',
    '/etc/tp/key.pem': 'ENV KEY',
  };
  const readFile = (path: string) => {
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT ${path}`);
    return text;
  };
  const parse = (argv: string[], env: Record<string, string> = {}) =>
    parseRelayConfig(argv, env, '/srv/tp', readFile);

  it('defaults to plain HTTP that refuses private destinations', () => {
    const { http } = parse([]);
    expect(http.tls).toBeUndefined();
    expect(http.outbound).toEqual({ allowPrivateDestinations: false });
    expect(http.publicPort).toBeUndefined();
  });

  it.each([
    [['--allow-private-destinations']],
    [['--allow-private-destinations', '--http-port', '0']],
    [['--http-port', '0', '--allow-private-destinations']],
    [['--allow-private-destinations=true']],
  ])('%j allows private destinations, needing no value', (argv) => {
    const config = parse(argv);
    expect(config.http.outbound?.allowPrivateDestinations).toBe(true);
  });

  it('reads --allow-private-destinations from TIDEPOOL_RELAY_ALLOW_PRIVATE_DESTINATIONS', () => {
    const on = parse([], { TIDEPOOL_RELAY_ALLOW_PRIVATE_DESTINATIONS: '1' });
    expect(on.http.outbound?.allowPrivateDestinations).toBe(true);
    const off = parse([], { TIDEPOOL_RELAY_ALLOW_PRIVATE_DESTINATIONS: '0' });
    expect(off.http.outbound?.allowPrivateDestinations).toBe(false);
  });

  it('reads the TLS pair relative to the working directory', () => {
    const config = parse(['--tls-cert', 'gw.pem', '--tls-key=gw.key']);
    expect(config.http.tls).toEqual({ cert: 'CERT', key: 'KEY' });
  });

  it('takes the TLS pair from the environment when no flag is given', () => {
    const env = {
      TIDEPOOL_RELAY_TLS_CERT: '/etc/tp/cert.pem',
      TIDEPOOL_RELAY_TLS_KEY: '/etc/tp/key.pem',
    };
    expect(parse([], env).http.tls).toEqual({ cert: 'ENV CERT', key: 'ENV KEY' });
    expect(parse(['--tls-cert', 'gw.pem', '--tls-key', 'gw.key'], env).http.tls).toEqual({
      cert: 'CERT',
      key: 'KEY',
    });
  });

  it('reads the public port, timeout and rate limits', () => {
    const config = parse(
      [
        '--public-port',
        '443',
        '--timeout-ms',
        '5000',
        '--rate-per-ip',
        '10/5',
        '--rate-per-peer=4/0.5',
      ],
      { TIDEPOOL_RELAY_PUBLIC_PORT: '8448' },
    );
    expect(config.http).toMatchObject({
      publicPort: 443,
      timeoutMs: 5000,
      perIp: { burst: 10, perSecond: 5 },
      perPeer: { burst: 4, perSecond: 0.5 },
    });
  });

  it.each([
    [['--tls-cert', 'gw.pem'], /go together/],
    [['--tls-key', 'gw.key'], /go together/],
    [['--tls-cert', 'missing.pem', '--tls-key', 'gw.key'], /cannot be read: ENOENT/],
    [['--allow-private-destinations=yes'], /takes no value/],
    [['--public-port', '0'], /--public-port/],
    [['--timeout-ms', '5'], /--timeout-ms/],
    [['--rate-per-ip', '5'], /--rate-per-ip/],
    [['--rate-per-peer', '0/1'], /--rate-per-peer/],
    [['--timeout-ms'], /needs a value/],
  ])('refuses %j with words', (argv, words) => {
    expect(() => parse(argv)).toThrow(RelayConfigError);
    expect(() => parse(argv)).toThrow(words);
  });
});

describe('the page’s relay choice', () => {
  it.each([
    ['', 'http://build:8448', 'http://build:8448'],
    ['?relay=http://127.0.0.1:9', 'http://build:8448', 'http://127.0.0.1:9'],
    ['?relay=', 'http://build:8448', undefined],
    ['?relay=off', 'http://build:8448', undefined],
    ['?node=a', undefined, undefined],
  ])('%s with build default %s → %s', (search, fallback, expected) => {
    expect(pageTransportOptions(search, fallback).relayUrl).toBe(expected);
  });

  it('?relayed keeps traffic on the circuit', () => {
    expect(pageTransportOptions('?relayed', undefined).preferDirect).toBe(false);
    expect(pageTransportOptions('', undefined).preferDirect).toBe(true);
  });
});

describe('the relay description', () => {
  it('picks a WebSocket address and adds the peer ID when missing', () => {
    const info = parseRelayInfo({
      peerId: PEER,
      domain: 'localhost',
      multiaddrs: ['/ip4/127.0.0.1/tcp/1/ws', 'not an address'],
    });
    expect(relayDialAddress(info).toString()).toBe(`/ip4/127.0.0.1/tcp/1/ws/p2p/${PEER}`);
  });

  it.each([
    null,
    {},
    { peerId: PEER, domain: 'x', multiaddrs: [1] },
    { peerId: 1, domain: 'x', multiaddrs: [] },
  ])('refuses %j', (value) => {
    expect(() => parseRelayInfo(value)).toThrow(/not with a relay description/);
  });

  it('refuses a relay with no WebSocket address', () => {
    const info = parseRelayInfo({ peerId: PEER, domain: 'x', multiaddrs: ['/ip4/1.2.3.4/tcp/1'] });
    expect(() => relayDialAddress(info)).toThrow(/no WebSocket address/);
  });
});
