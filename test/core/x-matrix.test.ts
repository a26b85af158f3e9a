import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../src/core/base64.js';
import { canonicalJson } from '../../src/core/canonical-json.js';
import { ed25519Sign, publicKeyFromSeed } from '../../src/core/crypto/ed25519.js';
import { type Signable, signJson } from '../../src/core/signing.js';
import {
  buildXMatrix,
  parseXMatrix,
  verifyXMatrix,
  type XMatrixKeyLookup,
  type XMatrixRequest,
  xMatrixSignedJson,
} from '../../src/core/x-matrix.js';
import { readConformance } from '../helpers/conformance.js';

interface XMatrixData {
  spec: {
    step2_header_example: string;
    spec_inconsistency: string;
    parsing_rules: string[];
  };
  gomatrixserverlib_worked_examples: {
    signing_key: {
      seed_base64: string;
      key_id: string;
      server_name: string;
      derived_public_key_base64: string;
    };
    cases: {
      name: string;
      method: string;
      uri: string;
      origin: string;
      destination: string;
      content?: unknown;
      content_text?: string;
      expected_signed_bytes?: string;
      expected_sig: string;
      raw_http_request: string;
    }[];
    header_parse_cases: {
      expected: { scheme: string; origin: string; destination: string; key: string; sig: string };
      headers: string[];
    };
  };
}

const data = readConformance<XMatrixData>('spec/x_matrix_auth.json');
const worked = data.gomatrixserverlib_worked_examples;
const seed = decodeBase64(worked.signing_key.seed_base64);
const publicKey = decodeBase64(worked.signing_key.derived_public_key_base64);
const keyId = worked.signing_key.key_id;
const origin = worked.signing_key.server_name;

/** Knows the worked examples' key, and nothing else. */
const lookup: XMatrixKeyLookup = (server, id) =>
  server === origin && id === keyId ? publicKey : undefined;

/** The Authorization header of a raw HTTP/1.1 request. */
function authorizationOf(raw: string): string {
  const line = raw.split('\r\n').find((l) => l.toLowerCase().startsWith('authorization:'));
  if (!line) throw new Error('no Authorization header');
  return line.slice('authorization:'.length).trim();
}

/** The body of a case as the receiving server parses it (undefined: none). */
function contentOf(c: XMatrixData['gomatrixserverlib_worked_examples']['cases'][number]): unknown {
  if (c.content_text !== undefined) return JSON.parse(c.content_text);
  return c.content ?? undefined;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function expectUnauthorized(error: unknown): void {
  expect(error).toMatchObject({
    name: 'XMatrixError',
    errcode: 'M_UNAUTHORIZED',
    httpStatus: 401,
  });
}

describe('X-Matrix: the recorded Synapse requests', () => {
  it('has the key the collector derived', () => {
    expect(encodeBase64(publicKeyFromSeed(seed))).toBe(
      worked.signing_key.derived_public_key_base64,
    );
  });

  for (const c of worked.cases) {
    describe(c.name, () => {
      const request: XMatrixRequest = {
        method: c.method,
        uri: c.uri,
        origin: c.origin,
        destination: c.destination,
        content: contentOf(c),
      };

      if (c.expected_signed_bytes !== undefined) {
        it('signs exactly the expected bytes (no content key without a body)', () => {
          expect(canonicalJson(xMatrixSignedJson(request))).toBe(c.expected_signed_bytes);
          expect(xMatrixSignedJson(request)).not.toHaveProperty('content');
        });
      } else {
        it('signs the parsed body under content', () => {
          expect(xMatrixSignedJson(request).content).toEqual(JSON.parse(c.content_text ?? ''));
        });
      }

      it('reproduces the recorded sig byte for byte', async () => {
        const header = await buildXMatrix(request, keyId, seed);
        expect(parseXMatrix(header)).toEqual({
          origin: c.origin,
          destination: c.destination,
          key: keyId,
          sig: c.expected_sig,
        });
        // The same signature as the JSON signing algorithm gives the object.
        const signed = await signJson<Signable>(
          { ...xMatrixSignedJson(request) },
          origin,
          keyId,
          seed,
        );
        expect(signed.signatures?.[origin]?.[keyId]).toBe(c.expected_sig);
      });

      it('verifies the recorded Authorization header', async () => {
        const header = authorizationOf(c.raw_http_request);
        expect(parseXMatrix(header).sig).toBe(c.expected_sig);
        const incoming = {
          method: c.method,
          uri: c.uri,
          destination: c.destination,
          content: contentOf(c),
        };
        await expect(verifyXMatrix(incoming, header, lookup)).resolves.toEqual({
          origin: c.origin,
          keyId,
        });
        // An async key lookup works the same.
        await expect(
          verifyXMatrix(incoming, header, async (s, k) => lookup(s, k)),
        ).resolves.toEqual({ origin: c.origin, keyId });
      });

      it('does not verify for another method, uri, destination or body', async () => {
        const header = authorizationOf(c.raw_http_request);
        const base = { method: c.method, uri: c.uri, destination: c.destination };
        const content = contentOf(c);
        const wrong = [
          { ...base, content, method: c.method === 'GET' ? 'POST' : 'GET' },
          { ...base, content, uri: `${c.uri}x` },
          // Percent-encoding is signed as sent: a decoded target differs.
          ...(decodeURIComponent(c.uri) === c.uri
            ? []
            : [{ ...base, content, uri: decodeURIComponent(c.uri) }]),
          { ...base, content: content === undefined ? {} : undefined },
          { ...base, content: content === undefined ? { a: 1 } : { ...content, extra: 1 } },
        ];
        for (const incoming of wrong) {
          expectUnauthorized(await rejection(verifyXMatrix(incoming, header, lookup)));
        }
        // Another destination: refused for the header's destination mismatch.
        const other = { ...base, content, destination: 'localhost:1' };
        expectUnauthorized(await rejection(verifyXMatrix(other, header, lookup)));
      });
    });
  }
});

describe('X-Matrix: the signed-JSON form only', () => {
  const request: XMatrixRequest = {
    method: 'PUT',
    uri: '/_matrix/federation/v1/send/1',
    origin,
    destination: 'dest.example',
    content: { pdus: [], edus: [] },
  };
  const incoming = {
    method: request.method,
    uri: request.uri,
    destination: request.destination,
    content: request.content,
  };

  it('refuses a signature over the newline-joined string some implementations sign', async () => {
    for (const joined of [
      [request.method, request.uri, request.origin, request.destination].join('\n'),
      [
        request.method,
        request.uri,
        request.origin,
        request.destination,
        canonicalJson(request.content),
      ].join('\n'),
      `${[request.method, request.uri, request.origin, request.destination, canonicalJson(request.content)].join('\n')}\n`,
    ]) {
      const sig = encodeBase64(await ed25519Sign(new TextEncoder().encode(joined), seed));
      const header = `X-Matrix origin="${origin}",destination="dest.example",key="${keyId}",sig="${sig}"`;
      const error = await rejection(verifyXMatrix(incoming, header, lookup));
      expectUnauthorized(error);
      expect((error as Error).message).toMatch(/does not verify/);
    }
  });

  it('accepts the same request signed as JSON', async () => {
    const header = await buildXMatrix(request, keyId, seed);
    await expect(verifyXMatrix(incoming, header, lookup)).resolves.toEqual({ origin, keyId });
  });
});

describe('verifyXMatrix', () => {
  const request: XMatrixRequest = {
    method: 'GET',
    uri: '/_matrix/federation/v1/version',
    origin,
    destination: 'dest.example',
  };
  const incoming = { method: 'GET', uri: request.uri, destination: 'dest.example' };

  it('accepts a header without destination (servers before v1.3), signed for us', async () => {
    const header = await buildXMatrix(request, keyId, seed);
    const { sig } = parseXMatrix(header);
    const old = `X-Matrix origin=${origin},key="${keyId}",sig="${sig}"`;
    await expect(verifyXMatrix(incoming, old, lookup)).resolves.toEqual({ origin, keyId });
    // ...but not if it was signed for another destination.
    const elsewhere = await buildXMatrix({ ...request, destination: 'other' }, keyId, seed);
    const oldElsewhere = `X-Matrix origin=${origin},key="${keyId}",sig="${parseXMatrix(elsewhere).sig}"`;
    expectUnauthorized(await rejection(verifyXMatrix(incoming, oldElsewhere, lookup)));
  });

  it('refuses a destination other than ours, even with a valid signature', async () => {
    const header = await buildXMatrix({ ...request, destination: 'other' }, keyId, seed);
    const error = await rejection(
      verifyXMatrix({ ...incoming, destination: 'dest.example' }, header, lookup),
    );
    expectUnauthorized(error);
    expect((error as Error).message).toMatch(/not "dest\.example"/);
  });

  it('refuses a missing or empty header', async () => {
    expectUnauthorized(await rejection(verifyXMatrix(incoming, undefined, lookup)));
    expectUnauthorized(await rejection(verifyXMatrix(incoming, '', lookup)));
  });

  it('refuses an unknown key', async () => {
    const header = await buildXMatrix(request, keyId, seed);
    const error = await rejection(verifyXMatrix(incoming, header, () => undefined));
    expectUnauthorized(error);
    expect((error as Error).message).toMatch(/Unknown key/);
  });

  it('refuses a signature by another key under the right key ID', async () => {
    const header = await buildXMatrix(request, keyId, new Uint8Array(32).fill(9));
    expectUnauthorized(await rejection(verifyXMatrix(incoming, header, lookup)));
  });

  it('refuses a sig that is not base64, or not 64 bytes', async () => {
    const base = `X-Matrix origin="${origin}",destination="dest.example",key="${keyId}"`;
    for (const sig of ['!!!', 'AAAA', '']) {
      expectUnauthorized(await rejection(verifyXMatrix(incoming, `${base},sig="${sig}"`, lookup)));
    }
  });

  it('refuses keys of algorithms other than ed25519', async () => {
    const header = `X-Matrix origin="${origin}",key="curve25519:1",sig="AAAA"`;
    expectUnauthorized(await rejection(verifyXMatrix(incoming, header, lookup)));
  });

  it('refuses a body canonical JSON cannot hold with M_UNAUTHORIZED', async () => {
    const header = await buildXMatrix(request, keyId, seed);
    expectUnauthorized(
      await rejection(verifyXMatrix({ ...incoming, content: { a: 0.5 } }, header, lookup)),
    );
  });

  it('lets a failing key lookup propagate its own error', async () => {
    const header = await buildXMatrix(request, keyId, seed);
    const failure = new Error('key server unreachable');
    await expect(verifyXMatrix(incoming, header, () => Promise.reject(failure))).rejects.toBe(
      failure,
    );
  });

  it('treats a null body as no body', async () => {
    const header = await buildXMatrix({ ...request, content: null }, keyId, seed);
    await expect(verifyXMatrix(incoming, header, lookup)).resolves.toEqual({ origin, keyId });
  });

  it('round-trips any request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'POST', 'DELETE'),
        fc.webPath(),
        fc.option(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.maxSafeInteger())), {
          nil: undefined,
        }),
        async (method, path, content) => {
          const req = { method, uri: `/_matrix${path}`, origin, destination: 'd.example', content };
          const header = await buildXMatrix(req, keyId, seed);
          const { origin: _origin, ...incomingReq } = req;
          await expect(verifyXMatrix(incomingReq, header, lookup)).resolves.toEqual({
            origin,
            keyId,
          });
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('buildXMatrix', () => {
  const request: XMatrixRequest = {
    method: 'POST',
    uri: '/_matrix/federation/v1/user/keys/query',
    origin: 'origin.hs.example.com',
    destination: 'destination.hs.example.com',
    content: {},
  };

  it('writes the header as the spec asks of senders', async () => {
    const header = await buildXMatrix(request, 'ed25519:key1', seed);
    expect(header).toMatch(
      /^X-Matrix origin="origin\.hs\.example\.com",destination="destination\.hs\.example\.com",key="ed25519:key1",sig="[A-Za-z0-9+/]{86}"$/,
    );
    // The spec's step 2 example has the same layout.
    const example = data.spec.step2_header_example.replace(/^Authorization: /, '');
    const layout = (h: string) => h.replace(/"[^"]*"/g, '""');
    expect(layout(header)).toBe(layout(example));
  });

  it('signs an empty body as content {}', async () => {
    expect(canonicalJson(xMatrixSignedJson(request))).toBe(
      '{"content":{},"destination":"destination.hs.example.com","method":"POST","origin":"origin.hs.example.com","uri":"/_matrix/federation/v1/user/keys/query"}',
    );
  });

  it('refuses values that would break the header, and non-ed25519 key IDs', async () => {
    for (const bad of [
      { ...request, origin: 'a\r\nX-Injected: 1' },
      { ...request, destination: 'a\nb' },
      { ...request, destination: '' },
      { ...request, origin: 'snow\u2603man' },
    ]) {
      await expect(buildXMatrix(bad, 'ed25519:1', seed)).rejects.toMatchObject({
        name: 'InvalidInputError',
      });
    }
    await expect(buildXMatrix(request, 'curve25519:1', seed)).rejects.toMatchObject({
      name: 'InvalidInputError',
    });
    await expect(buildXMatrix(request, 'ed25519:', seed)).rejects.toMatchObject({
      name: 'InvalidInputError',
    });
  });

  it('escapes quotes and backslashes so any printable name round-trips', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary-ascii', minLength: 1 }).filter((s) => /^[\x20-\x7e]+$/.test(s)),
        async (name) => {
          const header = await buildXMatrix({ ...request, origin: name }, 'ed25519:1', seed);
          expect(parseXMatrix(header).origin).toBe(name);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('parseXMatrix', () => {
  const { expected, headers } = worked.header_parse_cases;
  const wanted = {
    origin: expected.origin,
    destination: expected.destination,
    key: expected.key,
    sig: expected.sig,
  };

  it('has the 5 gomatrixserverlib header cases', () => {
    expect(headers).toHaveLength(5);
  });

  for (const header of headers) {
    it(`parses ${JSON.stringify(header)}`, () => {
      // All five are accepted. The last three have whitespace around "=" and
      // empty list elements: RFC 9110's auth-param grammar allows BWS around
      // "=", and its list rule asks recipients to skip empty elements, so they
      // are not mere gomatrixserverlib leniency.
      expect(parseXMatrix(header)).toEqual(wanted);
    });
  }

  it('takes the scheme and parameter names case-insensitively, in any order', () => {
    for (const header of [
      'x-matrix origin="foo",key="ed25519:1",sig="sig",destination="bar"',
      'X-MATRIX ORIGIN="foo",Key="ed25519:1",SIG="sig",DeStInAtIoN="bar"',
      'X-Matrix destination="bar",sig="sig",key="ed25519:1",origin="foo"',
      'X-Matrix  origin="foo",key="ed25519:1",sig="sig",destination="bar"',
    ]) {
      expect(parseXMatrix(header)).toEqual(wanted);
    }
  });

  it('keeps values case as given', () => {
    expect(parseXMatrix('X-Matrix origin="FOO",key="ed25519:AbC",sig="SiG"')).toEqual({
      origin: 'FOO',
      key: 'ed25519:AbC',
      sig: 'SiG',
    });
  });

  it('accepts unquoted token values, and colons in them for older servers', () => {
    expect(parseXMatrix('X-Matrix origin=example.org:8448,key=ed25519:a_1,sig=abc+d')).toEqual({
      origin: 'example.org:8448',
      key: 'ed25519:a_1',
      sig: 'abc+d',
    });
  });

  it('unescapes backslash pairs in quoted values', () => {
    expect(parseXMatrix('X-Matrix origin="a\\"b\\\\c\\d",key="ed25519:1",sig="s\\ig"').origin).toBe(
      'a"b\\cd',
    );
    expect(parseXMatrix('X-Matrix origin="a\\"b\\\\c\\d",key="ed25519:1",sig="s\\ig"').sig).toBe(
      'sig',
    );
  });

  it('keeps commas, spaces and "=" inside quoted values', () => {
    expect(parseXMatrix('X-Matrix origin="a, b=c",key="ed25519:1",sig="x=="').origin).toBe(
      'a, b=c',
    );
  });

  it('ignores unknown parameters', () => {
    expect(
      parseXMatrix('X-Matrix origin="foo",extra="x, y",key="ed25519:1",future=tok,sig="sig"'),
    ).toEqual({ origin: 'foo', key: 'ed25519:1', sig: 'sig' });
  });

  it('reads sig, not signature (the spec prose names it signature; its example and every implementation use sig)', () => {
    // The conformance note: use `sig`. A `signature` parameter is unknown, so ignored.
    expect(data.spec.spec_inconsistency).toMatch(/Use `sig`/);
    expectUnauthorized(
      rejectionOf(() => parseXMatrix('X-Matrix origin="a",key="ed25519:1",signature="s"')),
    );
    expect(parseXMatrix('X-Matrix origin="a",key="ed25519:1",signature="other",sig="s"').sig).toBe(
      's',
    );
  });

  function rejectionOf(fn: () => unknown): unknown {
    try {
      fn();
    } catch (error) {
      return error;
    }
    throw new Error('expected an error');
  }

  it('refuses malformed headers with M_UNAUTHORIZED', () => {
    for (const header of [
      '',
      'X-Matrix',
      'X-Matrix ',
      'Bearer origin="foo",key="ed25519:1",sig="sig"',
      'X-Matrixorigin="foo",key="ed25519:1",sig="sig"',
      'X-Matrix-Other origin="foo",key="ed25519:1",sig="sig"',
      'X-Matrix key="ed25519:1",sig="sig"',
      'X-Matrix origin="foo",sig="sig"',
      'X-Matrix origin="foo",key="ed25519:1"',
      'X-Matrix origin="",key="ed25519:1",sig="sig"',
      'X-Matrix origin="foo",key="ed25519:1",sig="sig",destination=""',
      'X-Matrix origin="foo,key="ed25519:1",sig="sig"',
      'X-Matrix origin="foo",key="ed25519:1",sig="sig\\',
      'X-Matrix origin=foo bar,key="ed25519:1",sig="sig"',
      'X-Matrix origin="foo"x,key="ed25519:1",sig="sig"',
      'X-Matrix origin,key="ed25519:1",sig="sig"',
      'X-Matrix origin=,key="ed25519:1",sig="sig"',
      'X-Matrix origin=/foo,key="ed25519:1",sig="sig"',
      'X-Matrix origin="foo";key="ed25519:1";sig="sig"',
      'X-Matrix origin="f\u0000o",key="ed25519:1",sig="sig"',
      'X-Matrix origin="f\no",key="ed25519:1",sig="sig"',
      'X-Matrix origin="foo",origin="bar",key="ed25519:1",sig="sig"',
      'X-Matrix origin="foo",key="ed25519:1",sig="a",SIG="b"',
      'X-Matrix origin="foo",key="ed25519:1",sig="sig", X-Matrix origin="foo"',
    ]) {
      const error = rejectionOf(() => parseXMatrix(header));
      expectUnauthorized(error);
    }
  });

  it('never throws anything but an XMatrixError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), (suffix, tail) => {
        for (const header of [`X-Matrix ${suffix}`, suffix, `X-Matrix origin="${tail}`]) {
          try {
            parseXMatrix(header);
          } catch (error) {
            expectUnauthorized(error);
          }
        }
      }),
    );
  });

  it('parses a 1 MB header in linear time without a RangeError', () => {
    const big = 'a'.repeat(1_000_000);
    expect(parseXMatrix(`X-Matrix origin="${big}",key="ed25519:1",sig=${big}`).sig).toBe(big);
  });
});
