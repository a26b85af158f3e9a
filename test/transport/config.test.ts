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
