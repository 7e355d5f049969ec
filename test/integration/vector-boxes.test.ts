/**
 * Detection boxes to CRS polygons, checked with GDAL: corners against gdaltransform of
 * the raster's pixel grid, the rotation convention by mapping the polygon back to
 * pixels with GDAL's inverse transform, areas and validity by SpatiaLite on a written
 * GeoPackage (planar in UTM, ellipsoidal in EPSG:4326).
 */
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath, gdalTransform } from '../helpers/gdal.ts';
import { ogrSql } from '../helpers/ogr.ts';
import { rasterInfo } from '../../main/raster/index.ts';
import { boxToPolygon, geometryArea, openVectorWriter, type Feature, type PixelBox } from '../../main/vector/index.ts';

const LULC = dataPath('more/eolearn_testeopatch_slovenia/LULC_label.tif'); // UTM 33N, 9.995 x 9.997 m pixels
const LABEL = dataPath('s1s2/sen1floods11/sample/Labels/Spain_7370579_LabelHand.tif'); // EPSG:4326

function signedArea(ring: number[][]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return s / 2;
}

test('axis-aligned box corners are GDAL pixel-grid coordinates; rings closed and counter-clockwise', async () => {
  const info = await rasterInfo([LULC]);
  const box: PixelBox = { cx: 50, cy: 40, w: 20, h: 10 };
  const ring = boxToPolygon(box, info.geoTransform).coordinates[0];
  assert.equal(ring.length, 5);
  assert.deepEqual(ring[4], ring[0]);
  assert.ok(signedArea(ring) > 0, 'counter-clockwise');
  const expected = gdalTransform(
    [
      [40, 35],
      [60, 35],
      [60, 45],
      [40, 45],
    ],
    { file: LULC, tSrs: 'EPSG:32633' },
  );
  for (const p of expected) {
    assert.ok(
      ring.some((q) => Math.abs(q[0] - p[0]) < 1e-6 && Math.abs(q[1] - p[1]) < 1e-6),
      `corner ${p} of GDAL in ${JSON.stringify(ring)}`,
    );
  }
});

test('oriented boxes: angle counter-clockwise on the image, size kept, as GDAL maps them back to pixels', async () => {
  const info = await rasterInfo([LULC]);
  for (const angle of [0.3, Math.PI / 4, -1.1, 2.5]) {
    const box: PixelBox = { cx: 30.5, cy: 60.25, w: 16, h: 6, angle };
    const ring = boxToPolygon(box, info.geoTransform).coordinates[0];
    assert.ok(signedArea(ring) > 0, `counter-clockwise in the CRS at angle ${angle}`);
    const back = gdalPixelsOf(LULC, ring.slice(0, 4) as [number, number][]);
    const side = (a: number[], b: number[]) => Math.hypot(b[0] - a[0], b[1] - a[1]);
    const sides = [side(back[0], back[1]), side(back[1], back[2]), side(back[2], back[3]), side(back[3], back[0])].sort((a, b) => a - b);
    assert.ok(Math.abs(sides[0] - 6) < 1e-6 && Math.abs(sides[1] - 6) < 1e-6 && Math.abs(sides[2] - 16) < 1e-6 && Math.abs(sides[3] - 16) < 1e-6, `sides ${sides}`);
    const centre = [back.reduce((s, p) => s + p[0], 0) / 4, back.reduce((s, p) => s + p[1], 0) / 4];
    assert.ok(Math.abs(centre[0] - 30.5) < 1e-6 && Math.abs(centre[1] - 60.25) < 1e-6, `centre ${centre}`);
    // The long axis points along (cos a, -sin a) on the image (rows grow downwards): counter-clockwise as seen.
    const longEdges = [0, 1, 2, 3].map((i) => [back[i], back[(i + 1) % 4]]).filter(([a, b]) => Math.abs(side(a, b) - 16) < 1e-6);
    const [a, b] = longEdges[0];
    const dir = [(b[0] - a[0]) / 16, (b[1] - a[1]) / 16];
    const cross = dir[0] * -Math.sin(angle) - dir[1] * Math.cos(angle);
    assert.ok(Math.abs(cross) < 1e-6, `long side along the box angle ${angle}: ${dir}`);
  }
});

test('box polygons in a GeoPackage: SpatiaLite areas (planar UTM, ellipsoidal WGS84) and validity', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skysense-vec-'));
  try {
    for (const [raster, name, ellipsoid] of [
      [LULC, 'utm.gpkg', false],
      [LABEL, 'wgs84.gpkg', true],
    ] as const) {
      const info = await rasterInfo([raster]);
      const gt = info.geoTransform;
      const boxes: (PixelBox & { name: string })[] = [
        { name: 'aligned', cx: 40, cy: 40, w: 12, h: 8 },
        { name: 'r30', cx: 60, cy: 30, w: 12, h: 8, angle: Math.PI / 6 },
        { name: 'r90', cx: 20, cy: 70, w: 12, h: 8, angle: Math.PI / 2 },
        { name: 'swapped', cx: 20, cy: 70, w: 8, h: 12 },
      ];
      const features: Feature[] = boxes.map((b) => {
        const geometry = boxToPolygon(b, gt);
        return { geometry, properties: { name: b.name, area: geometryArea(geometry, info.crs) } };
      });
      const out = join(dir, name);
      const w = await openVectorWriter(out, {
        crs: info.crs,
        layer: 'boxes',
        fields: [
          { name: 'name', type: 'text' },
          { name: 'area', type: 'real' },
        ],
        geometryType: 'Polygon',
      });
      await w.add(features);
      await w.finish();
      const rows = ogrSql(out, `SELECT name, area, ST_Area(geom${ellipsoid ? ', 1' : ''}) AS ref, ST_IsValid(geom) AS ok FROM boxes`);
      for (const r of rows) {
        assert.equal(r.ok, 1, `${name} ${r.name} valid`);
        // Rotated edges are straight in lon/lat (as the raster's pixels are), SpatiaLite's are geodesics:
        // about 1e-6 apart for these 1 km boxes (see ellipsoid-area.ts); axis-aligned ones agree exactly.
        const tol = ellipsoid && (r.name === 'r30' || r.name === 'r90') ? 5e-6 : 1e-9;
        assert.ok(Math.abs(r.area - r.ref) <= tol * r.ref, `${name} ${r.name}: ${r.area} vs SpatiaLite ${r.ref}`);
        if (!ellipsoid) {
          const px = Math.abs(gt[1] * gt[5] - gt[2] * gt[4]);
          assert.ok(Math.abs(r.area - 96 * px) < 1e-6 * r.area, `${r.name}: 12 x 8 pixels`);
        }
      }
      const [same] = ogrSql(out, "SELECT ST_Area(ST_SymDifference(a.geom, b.geom)) / ST_Area(a.geom) AS d FROM boxes a, boxes b WHERE a.name = 'r90' AND b.name = 'swapped'");
      assert.ok(same.d < 1e-9, `a 12 x 8 box turned 90° covers the 8 x 12 box (${same.d})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** CRS coordinates -> pixel/line with GDAL's inverse of the file's geotransform (gdaltransform -i). */
function gdalPixelsOf(file: string, points: [number, number][]): [number, number][] {
  const out = execFileSync('gdaltransform', ['-i', file, '-output_xy'], { input: points.map((p) => `${p[0]} ${p[1]}`).join('\n') + '\n', encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
}
