import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../../src/core/base64.js';
import { publicKeyFromSeed } from '../../src/core/crypto/ed25519.js';
import { createIdentity, identityInfo } from '../../src/node/identity.js';
import { exportIdentityFile, parseIdentityFile } from '../../src/node/identity-file.js';
import type { IdentityRecord } from '../../src/store/records.js';
import { seededRandom } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: tampering cases poke at arbitrary JSON fields.
type FileJson = Record<string, any>;

function identity(): IdentityRecord {
  const made = createIdentity({ localpart: 'alice', random: seededRandom(5) });
  return {
    ...made,
    oldKeys: [
      {
        keyId: 'ed25519:old' as never,
        publicKey: encodeBase64(new Uint8Array(32).fill(3)),
        expiredTs: 1_600_000_000_000,
      },
    ],
    profile: { displayName: 'Alice', avatarUrl: 'mxc://example.org/a' },
  };
}

/** The exported file as JSON, changed by `edit`, as text again. */
function tampered(edit: (file: FileJson) => void): string {
  const file = JSON.parse(exportIdentityFile(identity()));
  edit(file);
  return JSON.stringify(file);
}

describe('createIdentity', () => {
  it('derives the server name from the seed and makes an ed25519 key ID', () => {
    const made = createIdentity({
      localpart: 'alice',
      domain: 'relay.example.org',
      random: seededRandom(9),
    });
    expect(made.serverName).toMatch(/^[a-z2-7]{52}\.relay\.example\.org$/);
    expect(made.signingKey.keyId).toMatch(/^ed25519:[A-Za-z0-9]{6}$/);
    expect(made.localpart).toBe('alice');
    const info = identityInfo(made);
    expect(info.userId).toBe(`@alice:${made.serverName}`);
    expect(info.publicKey).toBe(encodeBase64(publicKeyFromSeed(made.signingKey.seed)));
  });

  it('draws a different key each time with real randomness', () => {
    expect(createIdentity({ localpart: 'a' }).serverName).not.toBe(
      createIdentity({ localpart: 'a' }).serverName,
    );
  });

  it.each(['', 'Alice', 'al:ice', 'a b'])('refuses the localpart %j in words', (localpart) => {
    expect(() => createIdentity({ localpart })).toThrow(
      expect.objectContaining({ errcode: 'M_INVALID_PARAM' }),
    );
  });
});

describe('identity file', () => {
  it('round-trips every field, the secret seed included', () => {
    const original = identity();
    const text = exportIdentityFile(original);
    expect(JSON.parse(text)).toMatchObject({ tidepool_identity: 1, localpart: 'alice' });
    expect(parseIdentityFile(text)).toEqual(original);
  });

  it.each<[string, (file: FileJson) => void, RegExp]>([
    [
      'a seed of another key',
      (f) => {
        f.signing_key.seed = encodeBase64(new Uint8Array(32).fill(1));
      },
      /does not belong to the server name/,
    ],
    [
      'a server name of another key',
      (f) => {
        f.server_name = `${'a'.repeat(52)}.localhost`;
      },
      /does not belong/,
    ],
    [
      'an ordinary server name',
      (f) => {
        f.server_name = 'example.org';
      },
      /does not belong/,
    ],
    [
      'no seed',
      (f) => {
        delete f.signing_key.seed;
      },
      /signing_key.seed/,
    ],
    [
      'a padded seed',
      (f) => {
        f.signing_key.seed += '=';
      },
      /unpadded base64/,
    ],
    [
      'a seed that is not base64',
      (f) => {
        f.signing_key.seed = '!'.repeat(43);
      },
      /unpadded base64/,
    ],
    [
      'a short seed',
      (f) => {
        f.signing_key.seed = f.signing_key.seed.slice(0, 40);
      },
      /32 bytes/,
    ],
    [
      'no signing key',
      (f) => {
        delete f.signing_key;
      },
      /"signing_key" is missing/,
    ],
    [
      'a bad key ID',
      (f) => {
        f.signing_key.key_id = 'rsa:1';
      },
      /key_id/,
    ],
    [
      'no version',
      (f) => {
        delete f.tidepool_identity;
      },
      /tidepool_identity/,
    ],
    [
      'a newer version',
      (f) => {
        f.tidepool_identity = 2;
      },
      /version 2/,
    ],
    [
      'no server name',
      (f) => {
        delete f.server_name;
      },
      /server_name/,
    ],
    [
      'a bad localpart',
      (f) => {
        f.localpart = 'Alice!';
      },
      /localpart/,
    ],
    [
      'no localpart',
      (f) => {
        delete f.localpart;
      },
      /localpart/,
    ],
    [
      'an unknown field',
      (f) => {
        f.extra = 1;
      },
      /unknown field "extra"/,
    ],
    [
      'old keys that are not a list',
      (f) => {
        f.old_verify_keys = {};
      },
      /old_verify_keys/,
    ],
    [
      'an old key without expiry',
      (f) => {
        delete f.old_verify_keys[0].expired_ts;
      },
      /expired_ts/,
    ],
    [
      'an old key of 31 bytes',
      (f) => {
        f.old_verify_keys[0].key = encodeBase64(new Uint8Array(31));
      },
      /key is not 32 bytes/,
    ],
    [
      'a display name that is a number',
      (f) => {
        f.profile.displayname = 7;
      },
      /displayname/,
    ],
    [
      'no profile',
      (f) => {
        delete f.profile;
      },
      /profile/,
    ],
  ])('refuses %s, in words', (_, edit, words) => {
    const text = tampered(edit);
    expect(() => parseIdentityFile(text)).toThrow(words);
    expect(() => parseIdentityFile(text)).toThrow(
      expect.objectContaining({ name: 'InvalidInputError', errcode: 'M_INVALID_PARAM' }),
    );
  });

  it.each(['', 'not json', '[]', 'null', '{"tidepool_identity":1}'])('refuses %j', (text) => {
    expect(() => parseIdentityFile(text)).toThrow(/identity file/);
  });
});
