import { describe, expect, it } from 'vitest';
import { checkAuth } from '../../../src/core/auth/check-auth.js';
import { redactionMayApply } from '../../../src/core/auth/redaction.js';
import { thirdPartySignatureMatches } from '../../../src/core/auth/third-party-invite.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../src/core/json.js';
import type { Pdu } from '../../../src/core/pdu.js';
import { roomVersionRules } from '../../../src/core/room-versions.js';
import { readConformance } from '../../helpers/conformance.js';

/** gomatrixserverlib/eventauth_cases.json, as stored. */
interface CaseFile {
  format: { caveats: string[] };
  cases: AuthCase[];
}

interface AuthCase {
  name: string;
  room_version: string;
  auth_events: {
    create?: JsonObject;
    join_rules?: JsonObject;
    power_levels?: JsonObject;
    member?: Record<string, JsonObject>;
    third_party_invite?: Record<string, JsonObject>;
  };
  allowed: JsonObject[];
  not_allowed: JsonObject[];
}

const data = readConformance<CaseFile>('gomatrixserverlib/eventauth_cases.json');

/**
 * Reads a case event the way our parser would take it in a v10+ room: the
 * v1/v2 `prev_events` form `[[event_id, {hashes}], ...]` becomes the v3+ list
 * of IDs. Everything else is passed as it is, missing fields included.
 */
function asPdu(event: JsonObject): Pdu {
  const prev = event.prev_events;
  const copy: JsonObject = { ...event };
  if (Array.isArray(prev)) {
    copy.prev_events = prev.map((p: JsonValue) => (Array.isArray(p) ? (p[0] ?? null) : p));
  }
  return copy as unknown as Pdu;
}

/**
 * The case's auth state as a list of events. The singletons (create,
 * join_rules, power_levels) are by the file's format the events at
 * `(type, "")`; some of them omit `state_key`, which is filled in as "" so
 * that they count as state.
 */
function authEventsOf(c: AuthCase): Pdu[] {
  const { create, join_rules, power_levels, member, third_party_invite } = c.auth_events;
  const singletons = [create, join_rules, power_levels].filter(
    (e): e is JsonObject => e !== undefined,
  );
  return [
    ...singletons.map((e) => asPdu({ state_key: '', ...e })),
    ...Object.values(member ?? {}).map(asPdu),
    ...Object.values(third_party_invite ?? {}).map(asPdu),
  ];
}

/**
 * Cases whose gomatrixserverlib outcome rests on a rule of room versions
 * before 10. We run every case under room version 10 and assert the v10
 * outcome here instead.
 */
const preV10Outcomes: Array<{
  name: string;
  list: 'allowed' | 'not_allowed';
  index: number;
  v10Allowed: boolean;
  why: string;
}> = [
  {
    name: 'TestRedactAllowed',
    list: 'not_allowed',
    index: 0,
    v10Allowed: true,
    why:
      'v1–v2 authorised redactions by domain or redact level; from v3 a redaction passes auth ' +
      'like any event (events_default 0 here) and is only *applied* when domains match or the ' +
      'sender has the redact level (checked below with redactionMayApply)',
  },
];

const rules10 = roomVersionRules('10');

describe('gomatrixserverlib eventauth_cases.json under room version 10', () => {
  it('has the format the harness expects', () => {
    expect(data.format.caveats.length).toBeGreaterThan(0);
    expect(data.cases).toHaveLength(12);
  });

  for (const c of data.cases) {
    describe(`${c.name} (room version ${c.room_version})`, () => {
      const authEvents = authEventsOf(c);
      for (const list of ['allowed', 'not_allowed'] as const) {
        c[list].forEach((event, index) => {
          const override = preV10Outcomes.find(
            (o) => o.name === c.name && o.list === list && o.index === index,
          );
          const expected = override ? override.v10Allowed : list === 'allowed';
          const why = isJsonObject(event.unsigned) ? event.unsigned.not_allowed : undefined;
          const label = `${list}[${index}] ${String(event.type)} by ${String(event.sender)}${
            typeof why === 'string' ? ` (${why})` : ''
          }${override ? ` [v10: ${override.why}]` : ''}`;
          it(label, () => {
            const result = checkAuth(asPdu(event), authEvents, '10');
            expect(result.allowed, JSON.stringify(result)).toBe(expected);
          });
        });
      }
    });
  }

  it('every pre-v10 override names an existing event', () => {
    for (const o of preV10Outcomes) {
      const c = data.cases.find((x) => x.name === o.name);
      expect(c?.[o.list][o.index]).toBeDefined();
    }
  });

  it('the v1-only redaction rejection still holds when the redaction is applied', () => {
    const c = data.cases.find((x) => x.name === 'TestRedactAllowed');
    const event = c?.not_allowed[0];
    const pl = c?.auth_events.power_levels;
    const create = c?.auth_events.create;
    expect(event && pl && create).toBeTruthy();
    if (!event || !pl || !create) return;
    // @u2:a (level 0, redact 100) redacting an event of server b: passes auth, but is not applied.
    const redacted = asPdu({ type: 'm.room.message', sender: '@someone:b', content: {} });
    expect(redactionMayApply(asPdu(event), redacted, asPdu(pl), asPdu(create), rules10)).toBe(
      false,
    );
    // The same sender may redact an event of its own server.
    const ownServer = asPdu({ type: 'm.room.message', sender: '@other:a', content: {} });
    expect(redactionMayApply(asPdu(event), ownServer, asPdu(pl), asPdu(create), rules10)).toBe(
      true,
    );
    // @u1:a has the redact level: applied across servers.
    const admin = c?.allowed[2];
    expect(
      admin && redactionMayApply(asPdu(admin), redacted, asPdu(pl), asPdu(create), rules10),
    ).toBe(true);
  });
});

describe('TestAllowedInviteFrom3PID signatures', () => {
  const c = data.cases.find((x) => x.name === 'TestAllowedInviteFrom3PID');
  const invite = c?.auth_events.third_party_invite?.my_token;
  const signedOf = (event: JsonObject | undefined): JsonObject => {
    const tpi = event?.content;
    const third = isJsonObject(tpi) ? tpi.third_party_invite : undefined;
    const signed = isJsonObject(third) ? third.signed : undefined;
    if (!isJsonObject(signed)) throw new Error('no signed object');
    return signed;
  };

  it('the real signature verifies against public_keys[0] (public_key "pubkey" is not a key)', () => {
    expect(invite).toBeDefined();
    if (!invite || !isJsonObject(invite.content)) return;
    expect(thirdPartySignatureMatches(signedOf(c?.allowed[0]), invite.content)).toBe(true);
    // Only the single public_key: it is not base64 of a key, so nothing verifies.
    const onlyBadKey = { ...invite.content, public_keys: [] };
    expect(thirdPartySignatureMatches(signedOf(c?.allowed[0]), onlyBadKey)).toBe(false);
    // The key given as public_key works as well as in public_keys.
    const keys = invite.content.public_keys;
    const first =
      Array.isArray(keys) && isJsonObject(keys[0]) ? (keys[0].public_key ?? null) : null;
    const single = { public_key: first };
    expect(thirdPartySignatureMatches(signedOf(c?.allowed[0]), single)).toBe(true);
  });

  it('"some_signature" does not verify', () => {
    if (!invite || !isJsonObject(invite.content)) throw new Error('no invite');
    expect(thirdPartySignatureMatches(signedOf(c?.not_allowed[0]), invite.content)).toBe(false);
  });

  it('a signature over a changed mxid does not verify', () => {
    if (!invite || !isJsonObject(invite.content)) throw new Error('no invite');
    const tampered = { ...signedOf(c?.allowed[0]), mxid: '@u3:a' };
    expect(thirdPartySignatureMatches(tampered, invite.content)).toBe(false);
  });
});
