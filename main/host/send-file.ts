/** Streams one file (or one byte range of it) to an HTTP response; never buffers it whole. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { planRangeResponse } from './http-range.ts';

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function sendStatus(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const body = `${text}\n`;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
  });
  res.end(res.req?.method === 'HEAD' ? undefined : body);
}

export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: string,
  contentType: string,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  const st = await stat(file).catch(() => null);
  if (!st || !st.isFile()) return sendStatus(res, 404, 'not found');
  const ifRange = req.headers['if-range'];
  const plan = planRangeResponse(
    { method: req.method ?? 'GET', range: req.headers.range, ifRange: typeof ifRange === 'string' ? ifRange : null },
    { size: st.size, mtimeMs: st.mtimeMs, contentType },
  );
  res.writeHead(plan.status, { ...SECURITY_HEADERS, ...plan.headers, ...extraHeaders });
  if (!plan.body) {
    res.end();
    return;
  }
  // pipeline destroys the read stream when the client goes away mid-transfer.
  await pipeline(createReadStream(file, plan.body), res).catch(() => undefined);
}
