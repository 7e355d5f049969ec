/**
 * Child process for export-memory.test.ts: exports one raster file as a COG through the
 * engine's export room and prints the reply with this process's peak resident memory,
 * so each height is measured in a fresh process.
 */
import { exportCog } from '../../main/export/index.ts';
import { openRaster } from '../../main/raster/index.ts';

const [rasterPath, outPath] = process.argv.slice(2);
const t0 = performance.now();
const raster = await openRaster([rasterPath]);
const r = await exportCog(raster, outPath, { signal: new AbortController().signal, progress: () => undefined });
await raster.close();
console.log(JSON.stringify({ ...r, maxRssMiB: process.resourceUsage().maxRSS / 1024, seconds: (performance.now() - t0) / 1000 }));
