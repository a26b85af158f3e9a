/**
 * Finding the relay: `GET <relayUrl>/_tidepool/v1/relay` answers
 * `{"peerId","multiaddrs":[...],"domain"}`. Checked here, once, at the
 * boundary; failures become RelayUnavailableError with words for the page.
 */
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';

/** What the relay says about itself. */
export interface RelayInfo {
  peerId: string;
  multiaddrs: string[];
  /** The domain browser nodes' server names live under. */
  domain: string;
}

/** The relay could not be found or answered nonsense. */
export class RelayUnavailableError extends Error {
  override name = 'RelayUnavailableError';
}

/** Validates the relay's answer. */
export function parseRelayInfo(value: unknown): RelayInfo {
  const fields = value as Partial<Record<keyof RelayInfo, unknown>> | null;
  if (
    typeof fields !== 'object' ||
    fields === null ||
    typeof fields.peerId !== 'string' ||
    typeof fields.domain !== 'string' ||
    !Array.isArray(fields.multiaddrs) ||
    !fields.multiaddrs.every((address) => typeof address === 'string')
  ) {
    throw new RelayUnavailableError('The relay answered, but not with a relay description');
  }
  return {
    peerId: fields.peerId,
    domain: fields.domain,
    multiaddrs: fields.multiaddrs as string[],
  };
}

/** Fetches and checks the relay's description. */
export async function fetchRelayInfo(relayUrl: string, signal?: AbortSignal): Promise<RelayInfo> {
  let url: URL;
  try {
    url = new URL('/_tidepool/v1/relay', relayUrl);
  } catch {
    throw new RelayUnavailableError(`"${relayUrl}" is not a relay URL`);
  }
  let response: Response;
  try {
    response = await fetch(url, signal ? { signal } : {});
  } catch {
    throw new RelayUnavailableError(`The relay at ${url.origin} does not answer`);
  }
  if (!response.ok) {
    throw new RelayUnavailableError(`The relay at ${url.origin} answered ${response.status}`);
  }
  return parseRelayInfo(await response.json().catch(() => null));
}

/**
 * The address to dial the relay on from a browser: a WebSocket address ending
 * in the relay's peer ID (secure first, since an https page may only use wss).
 */
export function relayDialAddress(info: RelayInfo): Multiaddr {
  const candidates = info.multiaddrs
    .map((text) => {
      try {
        return multiaddr(text);
      } catch {
        return undefined;
      }
    })
    .filter((address): address is Multiaddr => address !== undefined)
    .filter((address) => /\/(wss|ws|tls\/ws)(\/|$)/.test(address.toString()))
    .sort((a, b) => Number(b.toString().includes('/wss')) - Number(a.toString().includes('/wss')));
  const chosen = candidates[0];
  if (!chosen) throw new RelayUnavailableError('The relay offers no WebSocket address');
  const text = chosen.toString();
  return text.includes('/p2p/') ? chosen : multiaddr(`${text}/p2p/${info.peerId}`);
}
