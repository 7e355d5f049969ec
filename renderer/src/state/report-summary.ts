// The lines of a run report a person reads first (provider, tiles, time, throughput, what
// was written, and per class the pixels and area), picked out of the report JSON. Keys a
// task does not write are left out; the whole report stays one click away.

export interface ReportLine {
  label: string;
  text: string;
}

export interface ReportClass {
  name: string;
  color: string | null;
  pixels: number | null;
  areaM2: number | null;
}

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function reportLines(report: Record<string, unknown>): ReportLine[] {
  const lines: ReportLine[] = [];
  const add = (label: string, text: string | null) => text !== null && lines.push({ label, text });
  add('Task', str(report.task));
  const model = obj(report.model);
  add('Model', model ? [str(model.name), str(model.module)].filter(Boolean).join(' · ') || null : str(report.model));
  const head = obj(report.head);
  if (head) add('Head', str(head.name) ?? str(head.dir));
  add('Provider', str(report.provider));
  const tiles = obj(report.tiles);
  if (tiles && num(tiles.total) !== null) {
    const skipped = num(tiles.skipped) ?? 0;
    add('Tiles', `${num(tiles.inferred) ?? num(tiles.total)} inferred of ${num(tiles.total)}${skipped ? `, ${skipped} empty skipped` : ''}`);
  }
  const ms = num(obj(report.timings)?.total);
  if (ms !== null) add('Time', ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
  const mpx = num(report.throughputMpxPerS);
  if (mpx !== null) add('Throughput', `${mpx.toFixed(3)} Mpx/s`);
  const outs = Array.isArray(report.outputs) ? report.outputs.map((o) => str(obj(o)?.path)).filter((p): p is string => !!p) : [];
  if (outs.length) add('Outputs', outs.join('\n'));
  add('Areas', str(report.areaNote));
  return lines;
}

/** Per-class rows: cluster reports list `clusters`, head tasks `classes`. */
export function reportClasses(report: Record<string, unknown>): ReportClass[] {
  const list = Array.isArray(report.clusters) ? report.clusters : Array.isArray(report.classes) ? report.classes : [];
  return list.flatMap((c) => {
    const o = obj(c);
    const name = o && (str(o.name) ?? (num(o.value) !== null ? String(o.value) : null));
    if (!o || !name) return [];
    return [{ name, color: str(o.color), pixels: num(o.pixels) ?? num(o.cells), areaM2: num(o.areaM2) }];
  });
}
