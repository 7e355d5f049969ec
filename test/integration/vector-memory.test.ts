/**
 * Polygonizing streams by rows: a 2000 x 40000 class raster (the real eo-learn
 * land-cover label, 4x enlarged and tiled by GDAL in a temp folder, one no-data pixel
 * between tiles) goes to GeoJSON within a 96 MB V8 heap, with the same peak of open
 * polygons, boundary edges and resident memory as a 2000 x 10000 one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, dataPath } from '../helpers/gdal.ts';
import { ogrinfoSummary } from '../helpers/ogr.ts';

const LULC = dataPath('more/eolearn_testeopatch_slovenia/LULC_label.tif');

const TILE_PY = `
import sys
import numpy as np
from osgeo import gdal
src_path, out, width, height, zoom = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
src = gdal.Open(src_path)
a = src.GetRasterBand(1).ReadAsArray()
a = np.repeat(np.repeat(a, zoom, axis=0), zoom, axis=1)
tile = np.zeros((a.shape[0] + 2, a.shape[1] + 2), np.uint8)
tile[1:-1, 1:-1] = a
big = np.tile(tile, (height // tile.shape[0] + 1, width // tile.shape[1] + 1))[:height, :width]
gt = list(src.GetGeoTransform()); gt[1] /= zoom; gt[5] /= zoom
ds = gdal.GetDriverByName('GTiff').Create(out, width, height, 1, gdal.GDT_Byte, ['TILED=YES', 'COMPRESS=DEFLATE'])
ds.SetGeoTransform(gt)
ds.SetProjection(src.GetProjection())
ds.GetRasterBand(1).WriteArray(big)
ds = None
`;

interface ChildReport {
  polygons: number;
  pixels: number;
  peakOpenPolygons: number;
  peakEdges: number;
  maxRssMiB: number;
  seconds: number;
}

function polygonizeInChild(raster: string, out: string): ChildReport {
  const stdout = execFileSync(
    process.execPath,
    ['--max-old-space-size=96', '--import', 'tsx', join(REPO_ROOT, 'test/integration/vector-memory-child.ts'), raster, out],
    { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildReport;
}

test('memory does not grow with raster height (2000 x 10000 vs 2000 x 40000)', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'skysense-vec-'));
  try {
    const runs = [10000, 40000].map((h) => {
      const raster = join(dir, `tall-${h}.tif`);
      execFileSync('/usr/bin/python3', ['-c', TILE_PY, LULC, raster, '2000', String(h), '4']);
      const out = join(dir, `tall-${h}.geojson`);
      return { h, out, r: polygonizeInChild(raster, out) };
    });
    const [short, tall] = runs;
    console.log(
      `polygonize 2000 x 10000: ${short.r.polygons} polygons, ${short.r.seconds.toFixed(1)} s, peak RSS ${short.r.maxRssMiB.toFixed(0)} MiB; ` +
        `2000 x 40000: ${tall.r.polygons} polygons, ${tall.r.seconds.toFixed(1)} s, peak RSS ${tall.r.maxRssMiB.toFixed(0)} MiB`,
    );
    const ratio = tall.r.polygons / short.r.polygons;
    assert.ok(ratio > 3.8 && ratio < 4.2, `4x the rows gives about 4x the polygons (${ratio})`);
    assert.ok(tall.r.peakEdges <= 1.2 * short.r.peakEdges, `open boundary edges ${tall.r.peakEdges} vs ${short.r.peakEdges}`);
    assert.ok(tall.r.peakOpenPolygons <= 1.2 * short.r.peakOpenPolygons, `open polygons ${tall.r.peakOpenPolygons} vs ${short.r.peakOpenPolygons}`);
    // Measured here: about 6 MiB more for 4x the rows (GC timing); whole features kept would add hundreds.
    assert.ok(tall.r.maxRssMiB - short.r.maxRssMiB < 40, `peak RSS ${tall.r.maxRssMiB} MiB vs ${short.r.maxRssMiB} MiB`);
    assert.equal(ogrinfoSummary(tall.out).featureCount, tall.r.polygons, 'GDAL reads every feature of the tall output');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
