/**
 * Custom schemes: `app://renderer/` serves the UI build (ES modules need an origin;
 * file:// has none) and `skysense-data://local/data/...` serves the files of open
 * layers with the same range semantics as the host (main/host/http-range.ts).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { protocol } from 'electron';
import { planRangeResponse } from '../host/index.ts';
import { mimeType } from '../host/index.ts';
import { resolveStatic } from '../host/index.ts';
import type { LayerRegistry } from '../service/index.ts';
import { APP_ORIGIN, APP_SCHEME, DATA_SCHEME } from './channels.ts';

/** Must run before app `ready`. */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: DATA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true } },
  ]);
}

function status(code: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(`${text}\n`, { status: code, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } });
}

export function handleAppProtocol(rendererDir: string, csp: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.origin !== APP_ORIGIN) return status(404, 'not found');
    const file = await resolveStatic(rendererDir, url.pathname);
    if (!file) return status(404, 'not found');
    const headers: Record<string, string> = { 'Content-Type': mimeType(file), 'X-Content-Type-Options': 'nosniff' };
    if (file.endsWith('.html')) headers['Content-Security-Policy'] = csp;
    return new Response(await readFile(file), { status: 200, headers });
  });
}

// The page (app://renderer) reads data cross-origin; only it may.
const CORS = {
  'Access-Control-Allow-Origin': APP_ORIGIN,
  'Access-Control-Expose-Headers': 'Accept-Ranges, Content-Length, Content-Range, ETag',
  Vary: 'Origin',
};

export function handleDataProtocol(layers: LayerRegistry): void {
  protocol.handle(DATA_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'local') return status(404, 'not found', CORS);
    if (request.method === 'OPTIONS') {
      return new Response(null, {
        status: 204,
        headers: { ...CORS, 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': 'Range, If-Range', 'Access-Control-Max-Age': '600' },
      });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return status(405, 'method not allowed', { ...CORS, Allow: 'GET, HEAD' });
    const served = layers.resolve(url.pathname);
    const st = served ? await stat(served.file).catch(() => null) : null;
    if (!served || !st?.isFile()) return status(404, 'not found: not a file of an open layer', CORS);
    const plan = planRangeResponse(
      { method: request.method, range: request.headers.get('range'), ifRange: request.headers.get('if-range') },
      { size: st.size, mtimeMs: st.mtimeMs, contentType: served.contentType },
    );
    // Streamed by span: a range read of a multi-GB COG never loads the file.
    const body = plan.body ? (Readable.toWeb(createReadStream(served.file, plan.body)) as unknown as ReadableStream) : null;
    return new Response(body, { status: plan.status, headers: { ...plan.headers, ...CORS } });
  });
}
