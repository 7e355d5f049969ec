// The rows of a class layer's legend: every named class and every value that has pixels,
// in value order, with its colour and (once known) its area. Nodata is not a class.
import type { ClassAreasReply, RasterInfo } from '../../../main/api.ts';

export interface LegendRow {
  value: number;
  name: string;
  color: string;
  pixels: number | null;
  areaM2: number | null;
}

export function legendRows(info: RasterInfo, colors: string[], areas: ClassAreasReply | null): LegendRow[] {
  const byValue = new Map(areas?.classes.map((c) => [c.value, c]) ?? []);
  const values = new Set<number>(byValue.keys());
  info.categoryNames?.forEach((n, v) => {
    if (n !== '') values.add(v);
  });
  return [...values]
    .filter((v) => v !== info.nodata)
    .sort((a, b) => a - b)
    .map((value) => {
      const a = byValue.get(value);
      return {
        value,
        name: info.categoryNames?.[value] || `Class ${value}`,
        color: colors[value] ?? '#000000ff',
        pixels: a ? a.pixels : areas ? 0 : null,
        areaM2: a ? a.areaM2 : areas ? 0 : null,
      };
    });
}

/** Hectares below 1 km² (100 ha), square kilometres above. */
export function formatArea(m2: number | null): string {
  if (m2 === null) return '—';
  if (m2 < 1e6) return `${(m2 / 1e4).toLocaleString('en', { maximumFractionDigits: m2 < 1e4 ? 3 : 1 })} ha`;
  return `${(m2 / 1e6).toLocaleString('en', { maximumFractionDigits: 2 })} km²`;
}
