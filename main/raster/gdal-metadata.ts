/**
 * GDAL's private TIFF tags: GDAL_METADATA (an XML list of <Item> elements, band
 * descriptions among them) and GDAL_NODATA (the nodata value as text). Both the reader
 * and the writer use these, so the format lives in one place.
 */

export interface GdalItem {
  name: string;
  sample: number | null;
  role: string | null;
  value: string;
}

export function parseGdalMetadata(xml: string | null): GdalItem[] {
  if (!xml) return [];
  const items: GdalItem[] = [];
  const re = /<Item\s+([^>]*?)(?:\/>|>([\s\S]*?)<\/Item>)/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const attrs = parseAttrs(m[1]);
    if (attrs.name === undefined) continue;
    items.push({
      name: attrs.name,
      sample: attrs.sample !== undefined ? Number(attrs.sample) : null,
      role: attrs.role ?? null,
      value: unescapeXml(m[2] ?? ''),
    });
  }
  return items;
}

/** Band descriptions by 0-based sample index. */
export function bandDescriptions(items: GdalItem[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const it of items) {
    if (it.sample !== null && it.name === 'DESCRIPTION' && (it.role === 'description' || it.role === null)) {
      out.set(it.sample, it.value);
    }
  }
  return out;
}

export function buildGdalMetadata(items: GdalItem[]): string | null {
  if (items.length === 0) return null;
  const lines = items.map((it) => {
    const attrs = [`name="${escapeXml(it.name)}"`];
    if (it.sample !== null) attrs.push(`sample="${it.sample}"`);
    if (it.role) attrs.push(`role="${escapeXml(it.role)}"`);
    return `  <Item ${attrs.join(' ')}>${escapeXml(it.value)}</Item>`;
  });
  return `<GDALMetadata>\n${lines.join('\n')}\n</GDALMetadata>\n`;
}

/** GDAL writes "nan", "inf", "-inf" or a decimal; null when absent or unparseable. */
export function parseNodata(text: string | null): number | null {
  if (text === null) return null;
  const t = text.replace(/\0+$/, '').trim().toLowerCase();
  if (t === '') return null;
  if (t === 'nan' || t === '-nan') return NaN;
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  const v = Number(t);
  return Number.isNaN(v) ? null : v;
}

export function formatNodata(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

function parseAttrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z_][\w.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out[m[1]] = unescapeXml(m[3] ?? m[4] ?? '');
  return out;
}

export function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
