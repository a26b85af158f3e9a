import { describe, expect, it } from 'vitest';
import { type ComposerIntent, parseComposerText } from '../../src/ui/parse-command.js';

const cases: [input: string, expected: ComposerIntent][] = [
  ['hello', { message: { msgtype: 'm.text', body: 'hello' } }],
  ['  spaced  ', { message: { msgtype: 'm.text', body: '  spaced  ' } }],
  ['line one\nline two', { message: { msgtype: 'm.text', body: 'line one\nline two' } }],
  ['/me waves', { message: { msgtype: 'm.emote', body: 'waves' } }],
  ['/me waves\nand smiles', { message: { msgtype: 'm.emote', body: 'waves\nand smiles' } }],
  ['/notice build is green', { message: { msgtype: 'm.notice', body: 'build is green' } }],
  ['//me is literal', { message: { msgtype: 'm.text', body: '/me is literal' } }],
  ['/', { message: { msgtype: 'm.text', body: '/' } }],
  ['', { hint: 'Type a message first: an empty message cannot be sent.' }],
  [' \n\t ', { hint: 'Type a message first: an empty message cannot be sent.' }],
  ['/me', { hint: 'Type some text after /me.' }],
  ['/notice   ', { hint: 'Type some text after /notice.' }],
];

describe('parseComposerText', () => {
  it.each(cases)('%j', (input, expected) => {
    expect(parseComposerText(input)).toEqual(expected);
  });

  it('names an unknown command and how to send a leading slash', () => {
    const intent = parseComposerText('/shrug oh well');
    expect(intent).toHaveProperty('hint');
    expect((intent as { hint: string }).hint).toMatch(/Unknown command \/shrug.*\/\//);
  });
});
