/**
 * Child process for vector-memory.test.ts: polygonizes one raster into a GeoJSON file
 * and prints the summary with this process's peak resident memory, so each height is
 * measured in a fresh process.
 */
import { polygonizeToFile } from '../../main/vector/index.ts';

const [rasterPath, outPath] = process.argv.slice(2);
const t0 = performance.now();
const r = await polygonizeToFile(rasterPath, outPath, { skipValues: [0] });
console.log(
  JSON.stringify({
    polygons: r.polygons,
    pixels: r.pixels,
    peakOpenPolygons: r.peakOpenPolygons,
    peakEdges: r.peakEdges,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    seconds: (performance.now() - t0) / 1000,
  }),
);
