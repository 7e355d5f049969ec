/**
 * Every plain HTTP request of the host: the Host header first (DNS rebinding), then the
 * token, then `/data/...` (files of open layers, with ranges) or the renderer build.
 * Only GET and HEAD exist.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LayerRegistry } from '../service/index.ts';
import { contentSecurityPolicy } from './content-policy.ts';
import { mimeType } from './mime.ts';
import type { RefusalLog } from './refusal-log.ts';
import { sendFile, sendStatus } from './send-file.ts';
import { resolveStatic } from './static-files.ts';
import { authorized, tokenCookie, tokenMatches, tokenSources } from './token.ts';

export interface RequestContext {
  token: string;
  port: () => number;
  staticDir: string;
  layers: LayerRegistry;
  /** Whether a Host header names this host (see host-check.ts). */
  hostAllowed: (host: string | undefined) => boolean;
  refused: RefusalLog;
}

export const WRONG_HOST = 'forbidden: the Host header does not name this host (127.0.0.1, localhost or [::1] with its port)';

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
    if (!ctx.hostAllowed(req.headers.host)) {
      ctx.refused('Host', req.headers.host ?? '(none)', 'not this host (DNS rebinding guard)');
      return sendStatus(res, 403, WRONG_HOST);
    }
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
      ctx.refused('HTTP request from', req.socket.remoteAddress ?? '?', 'missing or wrong token');
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
