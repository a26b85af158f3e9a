/**
 * Room links: what one person pastes to another so the other's node joins the
 * room. Ours is the app's own URL with `#join=<room ID or alias>&via=<server>`
 * (the host's server name, so the joining node knows whom to ask). We also
 * read what other Matrix clients share — matrix.to links and `matrix:` URIs —
 * and a bare room ID or alias. Pure: strings in, strings out.
 */

/** A room to join and the servers to try. */
export interface RoomTarget {
  /** `!id` or `#alias:server`. */
  target: string;
  via: string[];
}

/** The link to share for `target`, joining through `via`, on the app at `appUrl`. */
export function roomLink(appUrl: string, target: string, via: readonly string[]): string {
  const url = new URL(appUrl);
  // The node name is this browser's own choice: the receiver opens their own node.
  url.search = '';
  const params = new URLSearchParams();
  params.set('join', target);
  for (const server of via) params.append('via', server);
  url.hash = params.toString();
  return url.toString();
}

/** The room a pasted link, URI, ID or alias names; undefined when it is none of these. */
export function parseRoomLink(text: string): RoomTarget | undefined {
  const input = text.trim();
  if (input === '') return undefined;
  if (/^[!#]/.test(input)) return checked(input, []);
  if (input.startsWith('matrix:')) return fromMatrixUri(input);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return undefined;
  }
  if (url.hostname === 'matrix.to') return fromMatrixTo(url.hash);
  return fromJoinHash(url.hash);
}

/** The `#join=` part of our own app URL, when the page was opened from a link. */
export function fromJoinHash(hash: string): RoomTarget | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const target = params.get('join');
  return target === null ? undefined : checked(target, params.getAll('via'));
}

/** `https://matrix.to/#/<target>?via=a&via=b` (the target percent-encoded). */
function fromMatrixTo(hash: string): RoomTarget | undefined {
  const match = /^#\/([^?]+)(?:\?(.*))?$/.exec(hash);
  if (!match?.[1]) return undefined;
  let target: string;
  try {
    target = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  // A matrix.to event link is `<room>/<event>`: the room is what is joined.
  const room = target.split('/')[0] ?? '';
  return checked(room, new URLSearchParams(match[2] ?? '').getAll('via'));
}

/** `matrix:r/alias:server` and `matrix:roomid/id:server` (the spec's URI scheme). */
function fromMatrixUri(uri: string): RoomTarget | undefined {
  const match = /^matrix:(r|roomid)\/([^/?]+)(?:\/[^?]*)?(?:\?(.*))?$/.exec(uri);
  if (!match?.[2]) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(match[2]);
  } catch {
    return undefined;
  }
  const sigil = match[1] === 'r' ? '#' : '!';
  return checked(`${sigil}${id}`, new URLSearchParams(match[3] ?? '').getAll('via'));
}

/**
 * Only the shapes a room ID or alias can have: the node checks the grammar
 * exactly when it joins, this only keeps junk from being offered as a room.
 * Room version 12 IDs have no server part, so `!` needs none.
 */
function checked(target: string, via: string[]): RoomTarget | undefined {
  const alias = /^#[^:\s]+:[^\s]+$/.test(target);
  const roomId = /^![^\s]+$/.test(target);
  if (!alias && !roomId) return undefined;
  const servers = via.filter((server) => /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(server));
  return { target, via: [...new Set(servers)] };
}
