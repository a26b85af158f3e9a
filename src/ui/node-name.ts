import { checkNodeName } from '../store/node-registry.js';

/**
 * Node names as the page URL carries them (`?node=NAME`). The name only picks
 * which local node a tab runs; the server name comes from the node's key. The
 * rule itself lives with the node registry (`checkNodeName`).
 */

/** Why a proposed node name is not usable, or undefined when it is. */
export function nodeNameProblem(name: string): string | undefined {
  if (!name) return 'Enter a node name.';
  try {
    checkNodeName(name);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : 'That is not a valid node name.';
  }
}

/** The page URL that opens node `name`, optionally importing an identity. */
export function nodeUrl(name: string, options: { import?: boolean } = {}): string {
  const search = `?node=${encodeURIComponent(name)}${options.import ? '&import' : ''}`;
  return `${location.pathname}${search}`;
}

/** The sessionStorage key under which an identity file waits for `?node=name&import`. */
export function importStorageKey(name: string): string {
  return `tidepool-import:${name}`;
}
