/**
 * Which relay the page uses: `?relay=http://127.0.0.1:8448` in the URL, else
 * the build's default (`VITE_TIDEPOOL_RELAY`, which `npm start` sets to the
 * relay it starts). `?relay=` (empty) or `?relay=off` runs without one.
 * `?relayed` keeps browser-to-browser traffic on the relayed circuit instead
 * of WebRTC (benchmarks, and networks where WebRTC never connects).
 */

/** What the page's URL and build say about the transport. */
export interface PageTransportOptions {
  /** The relay's HTTP base URL, or undefined to run without federation links. */
  relayUrl: string | undefined;
  preferDirect: boolean;
}

/** The build-time default relay, if the build set one. */
function buildDefaultRelay(): string | undefined {
  const env = (import.meta as ImportMeta & { env?: Record<string, string | undefined> }).env;
  const value = env?.VITE_TIDEPOOL_RELAY;
  return value === undefined || value === '' ? undefined : value;
}

/** Reads the options from the page's location. */
export function pageTransportOptions(
  search: string,
  buildDefault: string | undefined = buildDefaultRelay(),
): PageTransportOptions {
  const params = new URLSearchParams(search);
  const fromUrl = params.get('relay');
  const relayUrl =
    fromUrl === null ? buildDefault : fromUrl === '' || fromUrl === 'off' ? undefined : fromUrl;
  return { relayUrl, preferDirect: !params.has('relayed') };
}
