/**
 * Checks on what the user asks for, before anything is built: each failure is
 * an InvalidInputError (M_INVALID_PARAM) whose message the UI can show as is.
 * Whether the user *may* do it is for the auth rules to say (M_FORBIDDEN).
 */
import { InvalidInputError } from '../core/errors.js';
import { isValidRoomAlias, isValidUserId, utf8ByteLength } from '../core/identifiers.js';
import type { UserId } from '../core/ids.js';
import type { JsonObject } from '../core/json.js';
import type { MessageInput, MessageType } from './api.js';

/** The largest message body (and formatted body), in UTF-8 bytes. */
export const MAX_BODY_BYTES = 32 * 1024;

/** The longest room name, in characters. */
export const MAX_NAME_LENGTH = 255;

const messageTypes: readonly MessageType[] = ['m.text', 'm.notice', 'm.emote'];

/** The content of `m.room.message` for `message`, or InvalidInputError. */
export function messageContent(message: MessageInput): JsonObject {
  if (typeof message !== 'object' || message === null) {
    throw new InvalidInputError('A message is needed');
  }
  if (!messageTypes.includes(message.msgtype)) {
    throw new InvalidInputError(
      `"${String(message.msgtype)}" is not a message type that can be sent`,
    );
  }
  if (typeof message.body !== 'string' || message.body.trim().length === 0) {
    throw new InvalidInputError('A message cannot be empty');
  }
  if (utf8ByteLength(message.body) > MAX_BODY_BYTES) {
    throw new InvalidInputError('The message is too long (at most 32 KiB)');
  }
  const content: JsonObject = { msgtype: message.msgtype, body: message.body };
  if (message.formattedBody !== undefined) {
    if (typeof message.formattedBody !== 'string') {
      throw new InvalidInputError('The formatted message must be text');
    }
    if (utf8ByteLength(message.formattedBody) > MAX_BODY_BYTES) {
      throw new InvalidInputError('The formatted message is too long (at most 32 KiB)');
    }
    content.format = 'org.matrix.custom.html';
    content.formatted_body = message.formattedBody;
  }
  return content;
}

/** A user ID, or InvalidInputError. */
export function checkUserId(userId: unknown): UserId {
  if (!isValidUserId(userId)) {
    throw new InvalidInputError(`"${String(userId)}" is not a user ID (like @name:server)`);
  }
  return userId;
}

/** A room alias on `serverName`, or InvalidInputError. */
export function checkLocalAlias(alias: unknown, serverName: string): string {
  if (!isValidRoomAlias(alias)) {
    throw new InvalidInputError(`"${String(alias)}" is not a room alias (like #name:server)`);
  }
  if (alias.slice(alias.indexOf(':') + 1) !== serverName) {
    throw new InvalidInputError(`The alias must end with this node's server name, :${serverName}`);
  }
  return alias;
}

/** A room name, or InvalidInputError. */
export function checkName(name: unknown): string {
  if (typeof name !== 'string') throw new InvalidInputError('A room name must be text');
  if ([...name].length > MAX_NAME_LENGTH) {
    throw new InvalidInputError(`A room name has at most ${MAX_NAME_LENGTH} characters`);
  }
  return name;
}

/** Plain text for a topic, avatar URL or reason, or InvalidInputError. */
export function checkText(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new InvalidInputError(`The ${what} must be text`);
  return value;
}

/** A power level: an integer canonical JSON can carry, or InvalidInputError. */
export function checkPowerLevel(level: unknown): number {
  if (typeof level !== 'number' || !Number.isSafeInteger(level)) {
    throw new InvalidInputError(
      `A power level must be a whole number between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`,
    );
  }
  return level;
}

/** `value` if it is one of `allowed`, or InvalidInputError naming them. */
export function checkOneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  what: string,
): T {
  if (!allowed.includes(value as T)) {
    throw new InvalidInputError(`The ${what} must be one of: ${allowed.join(', ')}`);
  }
  return value as T;
}

/** A state event type: non-empty text (the event's own size limit is checked when built). */
export function checkEventType(type: unknown): string {
  if (typeof type !== 'string' || type.length === 0 || utf8ByteLength(type) > 255) {
    throw new InvalidInputError('An event type is non-empty text of at most 255 bytes');
  }
  return type;
}

/** An optional reason: text when present. */
export function reasonContent(reason: string | undefined): JsonObject {
  return reason === undefined ? {} : { reason: checkText(reason, 'reason') };
}
