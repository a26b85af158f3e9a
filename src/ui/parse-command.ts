import type { MessageInput } from '../node/api.js';

/** What the composer's text asks for: a message to send, or a hint why not. */
export type ComposerIntent = { message: MessageInput } | { hint: string };

/**
 * Reads the composer's text: `/me text` → m.emote, `/notice text` → m.notice,
 * `//text` sends "/text", other text → m.text. Empty text and unknown commands
 * give a hint instead of a message.
 */
export function parseComposerText(raw: string): ComposerIntent {
  if (raw.trim() === '') {
    return { hint: 'Type a message first: an empty message cannot be sent.' };
  }
  if (raw.startsWith('//')) return { message: { msgtype: 'm.text', body: raw.slice(1) } };
  const command = /^\/(\S+)(?:\s+([\s\S]*))?$/.exec(raw);
  if (!command) return { message: { msgtype: 'm.text', body: raw } };
  const [, name, rest = ''] = command;
  const msgtype = name === 'me' ? 'm.emote' : name === 'notice' ? 'm.notice' : undefined;
  if (!msgtype) {
    return {
      hint: `Unknown command /${name}. Commands: /me text, /notice text. To send text starting with /, begin it with //.`,
    };
  }
  if (rest.trim() === '') return { hint: `Type some text after /${name}.` };
  return { message: { msgtype, body: rest } };
}
