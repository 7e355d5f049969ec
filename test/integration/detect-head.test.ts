/**
 * The detect task with a SkySense detect head. No stock detect head exists, so the test
 * makes one: the shipped HR encoder's feat_s4 features of two 512 px windows of
 * dummy_fotomap_small.tif (read by GDAL, normalised with the manifest's mean/std), labelled
 * per 4 x 4 px cell by the painted red (counted here from GDAL's read), fitted by logistic
 * regression in torch (test/helpers/deepness.ts, fitRedPaintHead); its boxes are a
 * constant 12 px square (and, for the oriented head, a constant angle). runDetect must then
 * find the red paint: every box's square holds red pixels, every painted red blob has a box,
 * no two boxes overlap past the NMS threshold, coordinates and attributes as GDAL/OGR read them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDetect } from '../../main/tasks/detect/index.ts';
import { planTiles } from '../../main/tiler/index.ts';
import { gdalinfo, REPO_ROOT } from '../helpers/gdal.ts';
import { fitRedPaintHead, FOTOMAP, ogrRead, RED_PAINT_BOX, redPaint, redPaintCells, redPaintManifest, type OgrFeature } from '../helpers/deepness.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const BOX = RED_PAINT_BOX;
let tmp = '';
let headDir = '';
let orientedDir = '';
let W = 0;
let H = 0;
let gt: number[] = [];
let red: Uint8Array;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-detect-head-'));
  gt = gdalinfo(FOTOMAP).geoTransform;
  const paint = redPaint();
  ({ width: W, height: H, red } = paint);
  const cells = await redPaintCells(MODEL, paint, tmp);
  headDir = join(tmp, 'red-paint');
  orientedDir = join(tmp, 'red-paint-oriented');
  const fit = fitRedPaintHead(cells, headDir, tmp);
  assert.ok((fit.positives as number) > 500, `red cells to learn from: ${fit.positives}`);
  assert.ok((fit.recall as number) > 0.8 && (fit.precision as number) > 0.5, `the probe separates red paint on its training cells: ${JSON.stringify(fit)}`);
  fitRedPaintHead(cells, orientedDir, tmp, { angle: 0.4, manifest: { ...redPaintManifest(5), name: 'red-paint-oriented' } });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Pixel centre of a feature (mean of its four corners through the inverse geotransform). */
function centre(f: OgrFeature): [number, number] {
  const px = f.ring.slice(0, 4).map(([x, y]) => [(x - gt[0]) / gt[1], (y - gt[3]) / gt[5]]);
  return [px.reduce((s, p) => s + p[0], 0) / 4, px.reduce((s, p) => s + p[1], 0) / 4];
}

/** Connected red blobs (4-neighbour) of at least `min` pixels, as bounding boxes. */
function redBlobs(min: number): [number, number, number, number][] {
  const seen = new Uint8Array(W * H);
  const blobs: [number, number, number, number][] = [];
  for (let s = 0; s < red.length; s++) {
    if (!red[s] || seen[s]) continue;
    const stack = [s];
    seen[s] = 1;
    let n = 0;
    const b: [number, number, number, number] = [W, H, 0, 0];
    while (stack.length) {
      const p = stack.pop()!;
      n++;
      const x = p % W;
      const y = (p - x) / W;
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x);
      b[3] = Math.max(b[3], y);
      for (const q of [x > 0 ? p - 1 : -1, x < W - 1 ? p + 1 : -1, y > 0 ? p - W : -1, y < H - 1 ? p + W : -1]) {
        if (q >= 0 && red[q] && !seen[q]) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    if (n >= min) blobs.push(b);
  }
  return blobs;
}

function checkDetections(features: OgrFeature[], iou: number, tiles: { xs: number[]; ys: number[] }, angle = 0): void {
  assert.ok(features.length > 10, `${features.length} detections`);
  let onPaint = 0;
  const centres = features.map(centre);
  for (const [i, f] of features.entries()) {
    assert.equal(f.properties.class, 'red paint');
    assert.equal(f.properties.class_id, 1);
    assert.ok((f.properties.score as number) >= 0.5 && (f.properties.score as number) <= 1, `score ${f.properties.score}`);
    assert.ok(Math.abs((f.properties.area as number) - BOX * BOX * Math.abs(gt[1] * gt[5])) < 1e-9, `area ${f.properties.area}`);
    assert.equal(f.properties.source, FOTOMAP);
    const [cx, cy] = centres[i];
    // Head cells are 4 px from each tile's origin; a constant box is centred on its cell.
    const onCell = (v: number, origins: number[]) => origins.some((o) => Math.abs((v - o - 2) / 4 - Math.round((v - o - 2) / 4)) < 1e-6);
    assert.ok(onCell(cx, tiles.xs) && onCell(cy, tiles.ys), `centre ${cx},${cy} on a cell centre`);
    let n = 0;
    for (let y = Math.max(0, Math.round(cy - BOX / 2)); y < Math.min(H, Math.round(cy + BOX / 2)); y++) for (let x = Math.max(0, Math.round(cx - BOX / 2)); x < Math.min(W, Math.round(cx + BOX / 2)); x++) n += red[y * W + x];
    if (n > 0) onPaint++;
  }
  assert.ok(onPaint / features.length > 0.9, `${onPaint} of ${features.length} boxes hold red paint`);
  // Every painted red blob (the T, its foot and the three dots) has a box on it.
  const blobs = redBlobs(150);
  assert.ok(blobs.length >= 4, `${blobs.length} red blobs`);
  for (const b of blobs) assert.ok(centres.some(([x, y]) => x >= b[0] - 2 && x <= b[2] + 2 && y >= b[1] - 2 && y <= b[3] + 2), `no box on the red blob ${b}`);
  // NMS: equal squares (equally turned) closer than the IoU threshold allows would have been
  // merged; their overlap is that of axis squares offset by the offset in the boxes' own frame.
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  for (let i = 0; i < centres.length; i++) {
    for (let j = i + 1; j < centres.length; j++) {
      const dx = centres[i][0] - centres[j][0];
      const dy = centres[i][1] - centres[j][1];
      const ix = Math.max(0, BOX - Math.abs(dx * c - dy * s));
      const iy = Math.max(0, BOX - Math.abs(dx * s + dy * c));
      const inter = ix * iy;
      assert.ok(inter / (2 * BOX * BOX - inter) < iou + 1e-9, `boxes ${i} and ${j} overlap past ${iou}`);
    }
  }
}

test('detect head (axis-aligned boxes) on the HR encoder: red paint found, merged across tiles, GeoPackage in the input CRS', async () => {
  const out = join(tmp, 'red.gpkg');
  // The head was fitted on the 2 cm photo's own pixels, so it runs there (HR defaults to the model's 0.3 m).
  const report = await runDetect({ head: headDir, model: MODEL, inputs: [FOTOMAP], out, providers: 'cpu', gsd: 'native' });
  assert.equal(report.task, 'detect');
  assert.equal(report.tile, 512);
  assert.equal(report.stride, 4);
  assert.equal(report.threshold, 0.5);
  assert.equal(report.oriented, false);
  assert.ok(report.tiles.total > 1, `${report.tiles.total} tiles`);
  assert.ok(report.warnings.some((w) => w.includes('weightsSha256 is null')), report.warnings.join('\n'));
  const read = ogrRead(out);
  assert.equal(read.epsg, 32633);
  assert.equal(read.layer, 'red-paint');
  assert.deepEqual(Object.keys(read.fields), ['class', 'class_id', 'score', 'area', 'source']);
  assert.equal(read.features.length, report.outputs[0].features);
  assert.deepEqual(report.outputs[0].perClass, { 'red paint': read.features.length });
  assert.ok(report.detections.droppedNms > 0, 'neighbouring cells were merged by NMS');
  checkDetections(read.features, 0.5, planTiles({ width: W, height: H, tileWidth: 512, tileHeight: 512, overlapX: report.overlap, overlapY: report.overlap, stride: 1 }));
  const saved = JSON.parse(readFileSync(`${out}.report.json`, 'utf8'));
  assert.equal(saved.detections.kept, read.features.length);
});

test('oriented detect head (5 box channels): the polygons turn counter-clockwise by the head angle; stricter NMS', async () => {
  const out = join(tmp, 'red-oriented.gpkg');
  const report = await runDetect({ head: orientedDir, model: MODEL, inputs: [FOTOMAP], out, providers: 'cpu', iouThreshold: 0.3, gsd: 'native' });
  assert.equal(report.oriented, true);
  const read = ogrRead(out);
  assert.deepEqual(Object.keys(read.fields), ['class', 'class_id', 'score', 'area', 'angle', 'source']);
  for (const f of read.features) {
    assert.ok(Math.abs((f.properties.angle as number) - (0.4 * 180) / Math.PI) < 1e-4, `angle ${f.properties.angle}`);
    // Edges run along the box's own axes turned counter-clockwise by 0.4 rad on the image:
    // (cos, -sin) and (sin, cos) in pixels (y down), mapped through the geotransform (its
    // pixels are not quite square, so the map angle is not exactly 0.4).
    const a = 0.4;
    const axes = [[Math.cos(a), -Math.sin(a)], [Math.sin(a), Math.cos(a)]].map(([u, v]) => Math.atan2(v * gt[5], u * gt[1]));
    for (let k = 0; k < 4; k++) {
      const [p, q] = [f.ring[k], f.ring[k + 1]];
      const dir = Math.atan2(q[1] - p[1], q[0] - p[0]);
      const off = axes.map((ax) => Math.abs(Math.sin(dir - ax)));
      assert.ok(Math.min(...off) < 1e-6, `edge ${k} direction ${dir} is not along ${axes}`);
    }
  }
  checkDetections(read.features, 0.3, planTiles({ width: W, height: H, tileWidth: 512, tileHeight: 512, overlapX: report.overlap, overlapY: report.overlap, stride: 1 }), 0.4);
});

test('detect refuses a non-detect head and a raster output path before any tile', async () => {
  await assert.rejects(runDetect({ head: headDir, model: MODEL, inputs: [FOTOMAP], out: join(tmp, 'x.tif') }), /vector outputs are \.gpkg \(GeoPackage\) or \.geojson/);
  const segDir = join(tmp, 'seg-head');
  const seg = { ...redPaintManifest(), name: 'seg', task: 'segment', outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 1, 'h', 'w'], stride: 4 }] };
  mkdirSync(segDir);
  writeFileSync(join(segDir, 'manifest.json'), JSON.stringify(seg));
  writeFileSync(join(segDir, 'head.onnx'), readFileSync(join(headDir, 'head.onnx')));
  await assert.rejects(runDetect({ head: segDir, model: MODEL, inputs: [FOTOMAP], out: join(tmp, 'x.gpkg') }), /is a segment head; the detect task needs a detect head/);
});
