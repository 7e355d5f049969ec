/**
 * Every plain HTTP request of the host: token first, then `/data/...` (files of open
 * layers, with ranges) or the renderer build. Only GET and HEAD exist.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LayerRegistry } from '../service/index.ts';
import { contentSecurityPolicy } from './content-policy.ts';
import { mimeType } from './mime.ts';
import { sendFile, sendStatus } from './send-file.ts';
import { resolveStatic } from './static-files.ts';
import { authorized, tokenCookie, tokenMatches, tokenSources } from './token.ts';

export interface RequestContext {
  token: string;
  port: () => number;
  staticDir: string;
  layers: LayerRegistry;
}

const VALID_HOST = /^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/;

function htmlHeaders(req: IncomingMessage, ctx: RequestContext, setCookie: boolean): Record<string, string> {
  const host = req.headers.host;
  // CSP3 'self' already covers same-origin ws:, the explicit origin helps older engines.
  const connect = host && VALID_HOST.test(host) ? [`ws://${host}`] : [];
  const h: Record<string, string> = {
    'Content-Security-Policy': contentSecurityPolicy({ connect }),
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
  };
  if (setCookie) h['Set-Cookie'] = tokenCookie(ctx.token, ctx.port());
  return h;
}

export function createRequestHandler(ctx: RequestContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return sendStatus(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://host.invalid');
    } catch {
      return sendStatus(res, 400, 'bad request');
    }
    const sources = tokenSources(url, req.headers, ctx.port());
    if (!authorized(ctx.token, sources, true)) {
      return sendStatus(res, 403, 'forbidden: missing or wrong token; open the URL that `skysense serve` printed');
    }
    if (url.pathname.startsWith('/data/')) {
      const served = ctx.layers.resolve(url.pathname);
      if (!served) return sendStatus(res, 404, 'not found: not a file of an open layer');
      return sendFile(req, res, served.file, served.contentType);
    }
    const file = await resolveStatic(ctx.staticDir, url.pathname);
    if (!file) return sendStatus(res, 404, 'not found');
    const isHtml = file.endsWith('.html');
    const extra = isHtml ? htmlHeaders(req, ctx, tokenMatches(ctx.token, sources.query)) : {};
    return sendFile(req, res, file, mimeType(file), extra);
  };
}
