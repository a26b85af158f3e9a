/** Parsing the HTTP side's flags and variables. */
import { describe, expect, it } from 'vitest';
import { httpSideOptions, type SettingLookup } from '../../relay/gateway/http-config.js';

const from =
  (values: Record<string, string>): SettingLookup =>
  (flag, variable) =>
    values[flag] ?? values[variable];

describe('httpSideOptions', () => {
  it('has safe defaults: no TLS, private destinations refused', () => {
    expect(httpSideOptions(from({}))).toEqual({ outbound: { allowPrivateDestinations: false } });
  });

  it('reads flags and variables', () => {
    const files: Record<string, string> = { '/c.pem': 'CERT', '/k.pem': 'KEY' };
    const options = httpSideOptions(
      from({
        'public-port': '443',
        'tls-cert': '/c.pem',
        TIDEPOOL_RELAY_TLS_KEY: '/k.pem',
        'timeout-ms': '5000',
        'allow-private-destinations': '',
        'rate-per-ip': '10/2.5',
        TIDEPOOL_RELAY_RATE_PER_PEER: '5/1',
      }),
      (path) => files[path] ?? '',
    );
    expect(options).toEqual({
      publicPort: 443,
      timeoutMs: 5000,
      tls: { cert: 'CERT', key: 'KEY' },
      perIp: { burst: 10, perSecond: 2.5 },
      perPeer: { burst: 5, perSecond: 1 },
      outbound: { allowPrivateDestinations: true },
    });
  });

  it.each([
    [{ 'public-port': '0' }, /--public-port/],
    [{ 'tls-cert': '/c.pem' }, /go together/],
    [{ 'rate-per-ip': 'fast' }, /burst\/per-second/],
    [{ 'allow-private-destinations': 'maybe' }, /takes no value/],
  ] as [Record<string, string>, RegExp][])('refuses %j', (values, message) => {
    expect(() => httpSideOptions(from(values), () => '')).toThrow(message);
  });
});
