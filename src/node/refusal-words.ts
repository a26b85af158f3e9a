/**
 * The auth rules give reasons written for logs ("sender is not joined"); the
 * user reads the node's errors, so the common ones are put in their words.
 * Anything not listed keeps the rules' own wording behind a plain prefix.
 */

const phrases: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^sender is not joined$/, () => 'you are not a member of this room'],
  [/^sender is banned$/, () => 'you are banned from this room'],
  [/^inviter is not joined$/, () => 'you must be in the room to invite someone'],
  [/^invitee is banned$/, () => 'that user is banned: unban them first'],
  [/^invitee is already (\w+)$/, (m) => `that user is already ${describe(m[1])}`],
  [/^sender may not invite$/, () => 'your power level is too low to invite'],
  [/^sender may not kick this user$/, () => 'you may not remove that user'],
  [/^sender may not ban this user$/, () => 'you may not ban that user'],
  [/^sender may not unban$/, () => 'your power level is too low to unban'],
  [/^cannot leave from (\w+)$/, (m) => `you cannot leave while ${describe(m[1])}`],
  [
    /^sender's power level is too low to send (.+)$/,
    (m) => `your power level is too low to send ${m[1]}`,
  ],
  [/^join rule (\w+) needs an invite$/, () => 'this room needs an invitation to join'],
  [/^power levels: (.*)$/, (m) => `power levels: ${m[1]}`],
];

function describe(membership: string | undefined): string {
  switch (membership) {
    case 'join':
      return 'in the room';
    case 'invite':
      return 'invited';
    case 'ban':
      return 'banned';
    case 'leave':
      return 'out of the room';
    default:
      return membership ?? 'in that state';
  }
}

/** A refusal reason from checkAuth as a sentence for the user. */
export function describeRefusal(reason: string): string {
  for (const [pattern, words] of phrases) {
    const match = reason.match(pattern);
    if (match !== null) return `Not allowed: ${words(match)}`;
  }
  return `Not allowed by the room's rules: ${reason}`;
}
