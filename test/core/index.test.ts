import { describe, expect, it } from 'vitest';
import * as core from '../../src/core/index.js';

// The names the protocol-core issue promises to later layers and outside checks.
const promised = [
  'canonicalJson',
  'encodeBase64',
  'decodeBase64',
  'signJson',
  'verifyJson',
  'contentHash',
  'referenceHash',
  'eventIdFor',
  'roomIdForCreate',
  'redact',
  'signEvent',
  'verifyEvent',
  'validatePdu',
  'buildXMatrix',
  'parseXMatrix',
  'verifyXMatrix',
  'checkAuth',
  'resolveState',
] as const;

describe('src/core/index.ts', () => {
  it.each(promised)('exports %s as a function', (name) => {
    expect(typeof (core as Record<string, unknown>)[name]).toBe('function');
  });
});
