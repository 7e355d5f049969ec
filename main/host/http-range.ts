/**
 * HTTP range semantics (RFC 9110 §14) for serving layer files, shared by the host's
 * /data route and Electron's skysense-data: protocol so both answer byte-for-byte
 * alike. Pure: it decides status, headers and the byte span; callers stream the span.
 *
 * Choices within the RFC: one range gets 206; several ranges get the whole file
 * (200; a server may ignore Range) since COG readers ask for one span at a time; a
 * malformed or unsatisfiable bytes range is rejected with 416; a Range in another
 * unit is ignored; If-Range that does not match (strong ETag or exact date) drops Range.
 */

export type ParsedRange =
  | { kind: 'none' }
  | { kind: 'single'; start: number; end: number }
  | { kind: 'multi' }
  | { kind: 'unsatisfiable' };

export function parseRange(header: string | undefined | null, size: number): ParsedRange {
  if (header === undefined || header === null) return { kind: 'none' };
  const eq = header.indexOf('=');
  if (eq < 0) return { kind: 'unsatisfiable' };
  if (header.slice(0, eq).trim().toLowerCase() !== 'bytes') return { kind: 'none' };
  const specs = header.slice(eq + 1).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (specs.length === 0) return { kind: 'unsatisfiable' };
  const spans: { start: number; end: number }[] = [];
  for (const spec of specs) {
    const m = /^(\d*)-(\d*)$/.exec(spec);
    if (!m || (m[1] === '' && m[2] === '')) return { kind: 'unsatisfiable' };
    if (m[1] === '') {
      const suffix = Number(m[2]);
      if (suffix > 0 && size > 0) spans.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const first = Number(m[1]);
    const last = m[2] === '' ? Infinity : Number(m[2]);
    if (last < first) return { kind: 'unsatisfiable' };
    if (first < size) spans.push({ start: first, end: Math.min(last, size - 1) });
  }
  if (spans.length === 0) return { kind: 'unsatisfiable' };
  return specs.length === 1 ? { kind: 'single', ...spans[0] } : { kind: 'multi' };
}

export interface FileMeta {
  size: number;
  mtimeMs: number;
  contentType: string;
}

export interface RangeRequest {
  method: string;
  range?: string | null;
  ifRange?: string | null;
}

export interface RangeResponse {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  /** Inclusive byte span to send, or null for no body (HEAD, 416, empty file). */
  body: { start: number; end: number } | null;
}

export function etagOf(meta: FileMeta): string {
  return `"${meta.size.toString(16)}-${Math.floor(meta.mtimeMs).toString(16)}"`;
}

function ifRangeHolds(ifRange: string, etag: string, lastModified: string): boolean {
  const v = ifRange.trim();
  if (v.startsWith('W/')) return false; // If-Range needs a strong validator
  if (v.startsWith('"')) return v === etag;
  return v === lastModified;
}

export function planRangeResponse(req: RangeRequest, meta: FileMeta): RangeResponse {
  const etag = etagOf(meta);
  const lastModified = new Date(Math.floor(meta.mtimeMs / 1000) * 1000).toUTCString();
  const headers: Record<string, string> = {
    'Accept-Ranges': 'bytes',
    'Content-Type': meta.contentType,
    ETag: etag,
    'Last-Modified': lastModified,
    'Cache-Control': 'no-cache',
  };
  const useRange = req.range != null && (req.ifRange == null || ifRangeHolds(req.ifRange, etag, lastModified));
  const parsed = useRange ? parseRange(req.range, meta.size) : { kind: 'none' as const };
  const head = req.method === 'HEAD';
  if (parsed.kind === 'unsatisfiable') {
    headers['Content-Range'] = `bytes */${meta.size}`;
    headers['Content-Length'] = '0';
    return { status: 416, headers, body: null };
  }
  if (parsed.kind === 'single') {
    const { start, end } = parsed;
    headers['Content-Range'] = `bytes ${start}-${end}/${meta.size}`;
    headers['Content-Length'] = String(end - start + 1);
    return { status: 206, headers, body: head ? null : { start, end } };
  }
  headers['Content-Length'] = String(meta.size);
  return { status: 200, headers, body: head || meta.size === 0 ? null : { start: 0, end: meta.size - 1 } };
}
