/**
 * Deepness Detector models: YOLO-layout ONNX files made here with torch (deepness_models.py,
 * op "yolo") that find the painted red/green/blue strokes of dummy_fotomap_small.tif: every
 * 16 x 16 square of a tile is a candidate box scored by the fraction of its pixels of each
 * colour. So every written box can be checked on its own: its polygon, mapped back to the
 * pixels of GDAL's gdalwarp -tr 0.03 of the input, must cover a square whose colour
 * fraction (counted here) is the box's score, of its class. Plus: scores above det_conf, no
 * two same-class boxes overlapping past det_iou_thresh, most painted pixels covered, and the
 * same boxes from the transposed Ultralytics layout (GeoJSON, WGS84, checked through
 * gdaltransform) and from the oriented (obb) layout with its angle.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDeepness } from '../../main/tasks/deepness/index.ts';
import { gdalTransform } from '../helpers/gdal.ts';
import { FOTOMAP, makeOnnx, ogrRead, warpOracle, YOLO_META, type OgrFeature, type WarpedInput } from '../helpers/deepness.ts';

let tmp = '';
let warp: WarpedInput;
const CELL = 16;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-deepness-det-'));
  warp = warpOracle(FOTOMAP, 0.03, tmp, 'w3');
  makeOnnx({ op: 'yolo', dst: join(tmp, 'yolo-v5.onnx'), format: 'v5', tile: 512, cell: CELL, metadata: YOLO_META }, tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function colourOf(i: number): number {
  const [r, g, b] = warp.bands.map((band) => band[i] / 255);
  if (r > 0.6 && g < 0.4 && b < 0.4) return 0;
  if (r < 0.4 && g > 0.6 && b < 0.4) return 1;
  if (r < 0.4 && g < 0.4 && b > 0.6) return 2;
  return -1;
}

/** Map point -> fractional pixel of the warped grid. */
function pixel(x: number, y: number): [number, number] {
  const gt = warp.geoTransform;
  return [(x - gt[0]) / gt[1], (y - gt[3]) / gt[5]];
}

/** The box's axis-aligned pixel square around its centre, and the colour fractions in it. */
function fractions(cx: number, cy: number): number[] {
  const x0 = Math.round(cx - CELL / 2);
  const y0 = Math.round(cy - CELL / 2);
  const n = [0, 0, 0];
  for (let y = y0; y < y0 + CELL; y++) for (let x = x0; x < x0 + CELL; x++) {
    const c = colourOf(y * warp.width + x);
    if (c >= 0) n[c]++;
  }
  return n.map((v) => v / (CELL * CELL));
}

function centre(f: OgrFeature): [number, number] {
  const pts = f.ring.slice(0, 4).map(([x, y]) => pixel(x, y));
  return [pts.reduce((s, p) => s + p[0], 0) / 4, pts.reduce((s, p) => s + p[1], 0) / 4];
}

function checkBoxes(features: OgrFeature[], oriented: boolean): void {
  const names = ['red', 'green', 'blue'];
  const byClass = [0, 0, 0];
  for (const f of features) {
    const [cx, cy] = centre(f);
    // Candidate squares sit on whole pixels of the processing grid.
    assert.ok(Math.abs(cx - CELL / 2 - Math.round(cx - CELL / 2)) < 1e-6 && Math.abs(cy - CELL / 2 - Math.round(cy - CELL / 2)) < 1e-6, `centre ${cx},${cy}`);
    const frac = fractions(cx, cy);
    const cls = f.properties.class_id as number;
    assert.equal(f.properties.class, names[cls]);
    assert.ok(Math.abs((f.properties.score as number) - frac[cls]) < 1e-6, `box at ${cx},${cy}: score ${f.properties.score}, ${names[cls]} fraction ${frac[cls]}`);
    assert.equal(frac.indexOf(Math.max(...frac)), cls);
    assert.ok((f.properties.score as number) >= 0.3, `score ${f.properties.score} below det_conf`);
    assert.ok(Math.abs((f.properties.area as number) - (CELL * 0.03) ** 2) < 1e-9, `area ${f.properties.area}`);
    assert.equal(f.properties.source, FOTOMAP);
    if (!oriented) {
      const xs = f.ring.map((p) => pixel(p[0], p[1])[0]);
      assert.ok(Math.abs(Math.max(...xs) - Math.min(...xs) - CELL) < 1e-6, 'axis-aligned 16 px square');
    }
    byClass[cls]++;
  }
  assert.ok(byClass.every((n) => n > 0), `boxes of every colour: ${byClass}`);
}

function pixelBoxes(features: OgrFeature[]): { x0: number; y0: number; cls: number }[] {
  return features.map((f) => {
    const [cx, cy] = centre(f);
    return { x0: Math.round(cx - CELL / 2), y0: Math.round(cy - CELL / 2), cls: f.properties.class_id as number };
  });
}

test('YOLO v5 layout [1, N, 5 + 3] to GeoPackage: every box is a painted square with its fraction as score; NMS and coverage hold', async () => {
  const model = join(tmp, 'yolo-v5.onnx');
  const out = join(tmp, 'v5.gpkg');
  const report = await runDeepness({ model, input: FOTOMAP, out, providers: 'cpu' });
  assert.equal(report.model.detType, 'YOLO_v5_or_v7_default');
  assert.equal(report.processing.confidence, 0.3);
  assert.equal(report.processing.iouThreshold, 0.4);
  assert.deepEqual([report.processing.grid.width, report.processing.grid.height], [warp.width, warp.height]);
  const read = ogrRead(out);
  assert.equal(read.epsg, 32633);
  assert.deepEqual(Object.keys(read.fields), ['class', 'class_id', 'score', 'area', 'source']);
  assert.equal(read.features.length, report.outputs[0].features);
  checkBoxes(read.features, false);

  // NMS: no two boxes of one class overlap by IoU >= 0.4 (squares of equal size).
  const boxes = pixelBoxes(read.features);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      if (boxes[i].cls !== boxes[j].cls) continue;
      const ix = Math.max(0, CELL - Math.abs(boxes[i].x0 - boxes[j].x0));
      const iy = Math.max(0, CELL - Math.abs(boxes[i].y0 - boxes[j].y0));
      const inter = ix * iy;
      assert.ok(inter / (2 * CELL * CELL - inter) < 0.4, `boxes ${i} and ${j} overlap`);
    }
  }
  // Coverage: most painted pixels lie in a box of their colour.
  const covered = new Uint8Array(warp.width * warp.height);
  for (const b of boxes) for (let y = b.y0; y < b.y0 + CELL; y++) for (let x = b.x0; x < b.x0 + CELL; x++) if (colourOf(y * warp.width + x) === b.cls) covered[y * warp.width + x] = 1;
  let painted = 0;
  let hit = 0;
  for (let i = 0; i < covered.length; i++) {
    if (colourOf(i) < 0) continue;
    painted++;
    hit += covered[i];
  }
  assert.ok(hit / painted > 0.75, `${hit} of ${painted} painted pixels covered`);
  assert.ok(report.detections!.droppedCutAtEdge + report.detections!.droppedNms > 0, 'overlapping tiles gave duplicates that were merged');
  const saved = JSON.parse(readFileSync(`${out}.report.json`, 'utf8'));
  assert.equal(saved.outputs[0].features, read.features.length);
});

test('Ultralytics layout [1, 4 + 3, N] to GeoJSON (WGS84): the same boxes as the v5 layout', async () => {
  const v5gpkg = join(tmp, 'v5.gpkg');
  if (!existsSync(v5gpkg)) await runDeepness({ model: join(tmp, 'yolo-v5.onnx'), input: FOTOMAP, out: v5gpkg, providers: 'cpu' });
  const v5 = ogrRead(v5gpkg);
  const model = join(tmp, 'yolo-ul.onnx');
  makeOnnx({ op: 'yolo', dst: model, format: 'ultralytics', tile: 512, cell: CELL, metadata: { ...YOLO_META, det_type: '"YOLO_Ultralytics"' } }, tmp);
  const out = join(tmp, 'ul.geojson');
  const report = await runDeepness({ model, input: FOTOMAP, out, providers: 'cpu' });
  assert.equal(report.model.detType, 'YOLO_Ultralytics');
  const read = ogrRead(out);
  assert.equal(read.epsg, 4326);
  // Back to UTM through GDAL's own transformer, then the same checks as the GeoPackage.
  const pts = read.features.flatMap((f) => f.ring.slice(0, 4));
  const utm = gdalTransform(pts, { sSrs: 'EPSG:4326', tSrs: 'EPSG:32633' });
  const inUtm = read.features.map((f, i) => ({ ...f, ring: [...utm.slice(i * 4, i * 4 + 4), utm[i * 4]] as [number, number][] }));
  // GDAL's transformer and proj4 agree to well under a millimetre; snap to the grid's 3 cm pixels for the checks.
  const snapped = inUtm.map((f) => ({ ...f, ring: f.ring.map(([x, y]) => {
    const [px, py] = pixel(x, y);
    const gt = warp.geoTransform;
    return [gt[0] + Math.round(px) * gt[1], gt[3] + Math.round(py) * gt[5]] as [number, number];
  }) }));
  for (const [i, f] of inUtm.entries()) for (const [k, p] of f.ring.entries()) assert.ok(Math.hypot(p[0] - snapped[i].ring[k][0], p[1] - snapped[i].ring[k][1]) < 1e-3, `feature ${i} corner ${k} is off the 3 cm grid`);
  checkBoxes(snapped, false);
  const key = (b: { x0: number; y0: number; cls: number }) => `${Math.round(b.x0)},${Math.round(b.y0)},${b.cls}`;
  assert.deepEqual(new Set(pixelBoxes(snapped).map(key)), new Set(pixelBoxes(v5.features).map(key)));
});

test('oriented (Ultralytics obb) layout: boxes turned by the model angle, clockwise on the image = negative here', async () => {
  const model = join(tmp, 'yolo-obb.onnx');
  makeOnnx({ op: 'yolo', dst: model, format: 'obb', tile: 512, cell: CELL, angle: 0.3, metadata: { ...YOLO_META, det_type: '"YOLO_Ultralytics_obb"' } }, tmp);
  const out = join(tmp, 'obb.gpkg');
  await runDeepness({ model, input: FOTOMAP, out, providers: 'cpu' });
  const read = ogrRead(out);
  assert.deepEqual(Object.keys(read.fields), ['class', 'class_id', 'score', 'area', 'angle', 'source']);
  checkBoxes(read.features, true);
  for (const f of read.features) {
    // The model emits the angle as float32.
    assert.ok(Math.abs((f.properties.angle as number) + (0.3 * 180) / Math.PI) < 1e-5, `angle ${f.properties.angle}`);
    // Edge directions on the map (y north): a square turned clockwise by 0.3 rad.
    const [a, b] = f.ring;
    const dir = Math.atan2(b[1] - a[1], b[0] - a[0]);
    const mod = (((dir + 0.3) % (Math.PI / 2)) + Math.PI / 2) % (Math.PI / 2);
    assert.ok(Math.min(mod, Math.PI / 2 - mod) < 1e-6, `edge direction ${dir}`);
    assert.ok(Math.abs(Math.hypot(b[0] - a[0], b[1] - a[1]) - CELL * 0.03) < 1e-9, 'edge length 16 px x 3 cm');
  }
});

test('cancelling a detection run leaves no output file', async () => {
  const model = join(tmp, 'yolo-v5.onnx');
  const out = join(tmp, 'cancelled.gpkg');
  const ac = new AbortController();
  await assert.rejects(
    runDeepness({ model, input: FOTOMAP, out, providers: 'cpu', signal: ac.signal, progress: () => ac.abort() }),
    (err: Error & { code?: string }) => err.code === 'E_CANCELLED',
  );
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('cancelled')), [], 'no partial or temporary file');
});
