/**
 * The raster pixels labels cover, by the rule gdal_rasterize uses by default: a pixel is
 * covered when its centre lies inside a polygon; a point covers the pixel it falls in.
 * Counted row by row from each polygon's edge crossings, so memory follows the labels'
 * vertices and the rows of one class, never the raster's size.
 */
type XY = [number, number];

/** Spans [c0, c1) of pixel columns whose centres lie inside the rings (even-odd), on row r. */
function rowSpans(rings: XY[][], r: number, width: number): [number, number][] {
  const y = r + 0.5;
  const xs: number[] = [];
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y) xs.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
    }
  }
  xs.sort((a, b) => a - b);
  const spans: [number, number][] = [];
  for (let k = 0; k + 1 < xs.length; k += 2) {
    const c0 = Math.max(0, Math.ceil(xs[k] - 0.5));
    const c1 = Math.min(width, Math.ceil(xs[k + 1] - 0.5));
    if (c1 > c0) spans.push([c0, c1]);
  }
  return spans;
}

function rowRange(rings: XY[][], height: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const ring of rings) for (const [, y] of ring) [lo, hi] = [Math.min(lo, y), Math.max(hi, y)];
  return [Math.max(0, Math.floor(lo - 0.5)), Math.min(height, Math.ceil(hi + 0.5))];
}

/** Pixels covered by the union of polygons (each given as rings in pixel coordinates) and points. */
export function coveredPixels(polygons: XY[][][], points: XY[], width: number, height: number): number {
  let total = 0;
  const ranges = polygons.map((p) => rowRange(p, height));
  const r0 = Math.min(height, ...ranges.map((x) => x[0]));
  const r1 = Math.max(0, ...ranges.map((x) => x[1]));
  const pointRows = new Map<number, Set<number>>();
  for (const [x, y] of points) {
    const [c, r] = [Math.floor(x), Math.floor(y)];
    if (c < 0 || r < 0 || c >= width || r >= height) continue;
    if (!pointRows.has(r)) pointRows.set(r, new Set());
    pointRows.get(r)!.add(c);
  }
  const rows = new Set<number>(pointRows.keys());
  for (let r = r0; r < r1; r++) rows.add(r);
  for (const r of rows) {
    const spans = polygons.flatMap((p, i) => (r >= ranges[i][0] && r < ranges[i][1] ? rowSpans(p, r, width) : []));
    spans.sort((a, b) => a[0] - b[0]);
    let end = -1;
    for (const [c0, c1] of spans) {
      const from = Math.max(c0, end);
      if (c1 > from) total += c1 - from;
      end = Math.max(end, c1);
    }
    for (const c of pointRows.get(r) ?? []) if (!spans.some(([c0, c1]) => c >= c0 && c < c1)) total++;
  }
  return total;
}
