import { readFileSync } from 'node:fs';

/**
 * Reads a file of the shared third-party conformance data (../shared/conformance
 * beside the repository) as JSON, exactly as it is stored.
 */
export function readConformance<T = unknown>(path: string): T {
  const url = new URL(`../../../shared/conformance/${path}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}
