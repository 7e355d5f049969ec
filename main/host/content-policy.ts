/**
 * The renderer's Content-Security-Policy, shared by the host and Electron so both faces
 * run the UI under the same rules. OpenLayers' WebGL tiles decode in blob: workers and
 * use data:/blob: images; geotiff.js may instantiate WebAssembly decoders. The one
 * foreign host is the OpenStreetMap tile server for the opt-in basemap (off by default;
 * images only, no script). Nothing else (no inline or eval'd script, no plugins, no
 * framing, no other hosts) is allowed.
 */

const OSM_TILES = 'https://tile.openstreetmap.org';

export interface PolicySources {
  /** Extra sources for fetch/XHR/WebSocket (the host's ws:// origin, skysense-data:). */
  connect?: string[];
  /** Extra image sources (skysense-data: in Electron). */
  img?: string[];
}

export function contentSecurityPolicy(extra: PolicySources = {}): string {
  const connect = ["'self'", ...(extra.connect ?? []), OSM_TILES].join(' ');
  const img = ["'self'", 'data:', 'blob:', ...(extra.img ?? []), OSM_TILES].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${img}`,
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
