/**
 * runSegment on a real Sentinel-1 crop (Sen1Floods11) with a tiny random-init encoder and
 * test heads of fixed weights (real ONNX files exported by torch): a binary head whose class
 * is the sign of one feature channel, and a softmax head over two channels. The expected
 * classes are computed here from the embed task's features; grids, palettes and category
 * names are read back with gdalinfo, ground areas checked against polygons projected to an
 * equal-area CRS by gdaltransform. Bad heads and bad inputs give specific errors.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../main/api.ts';
import { loadHead } from '../../main/heads/index.ts';
import { planTiles } from '../../main/tiler/index.ts';
import { runSegment, type SegmentReport } from '../../main/tasks/segment/segment.ts';
import { gdalinfo, gdalTransform, gdalWindow } from '../helpers/gdal.ts';
import { argmax, balancedChannel, S2_CHIP, s1Fixture, type S1Fixture } from '../helpers/head-fixtures.ts';
import { makeTestHead, s1HeadManifest, sha256 } from '../helpers/test-heads.ts';

let fx: S1Fixture;
let signHead = '';
let softHead = '';
let channel = -1;
let pair: [number, number] = [-1, -1];
const SIZE = 256;

before(async () => {
  fx = await s1Fixture('skysense-segment-', [128, 128, SIZE, SIZE]);
  channel = balancedChannel(fx.features);
  pair = [channel, balancedChannel(fx.features, [channel])];
  const encoder = { name: fx.modelName, modality: 's1', module: 's1_encoder', weightsSha256: sha256(join(fx.model, 's1_encoder.onnx')) };
  signHead = join(fx.tmp, 'sign-head');
  makeTestHead(signHead, { net: 'conv1x1', weights: [[0, channel, 10]], bias: [0], manifest: s1HeadManifest({ name: 'sign', encoder }) });
  softHead = join(fx.tmp, 'soft-head');
  makeTestHead(softHead, {
    net: 'conv1x1',
    weights: [[1, pair[0], 10], [2, pair[1], 10]],
    bias: [0, 0, 0],
    manifest: s1HeadManifest({
      name: 'soft',
      // Trained on other weights: the run must say so.
      encoder: { ...encoder, weightsSha256: '0'.repeat(64) },
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 3, 'h', 'w'], stride: 4 }],
      activation: 'softmax',
      classes: [
        { value: 0, name: 'neither', color: '#101010' },
        { value: 5, name: 'first', color: '#ff0000' },
        { value: 9, name: 'second', color: '#00ff00' },
      ],
    }),
  });
});
after(() => rmSync(fx.tmp, { recursive: true, force: true }));

describe('segment: binary sigmoid head', () => {
  let modelOut = '';
  let inputOut = '';
  let mReport: SegmentReport;
  let iReport: SegmentReport;
  before(async () => {
    modelOut = join(fx.tmp, 'sign-model.tif');
    inputOut = join(fx.tmp, 'sign-input.tif');
    mReport = await runSegment({ head: signHead, model: fx.model, inputs: [fx.scene], out: modelOut, providers: 'cpu', grid: 'model', probabilities: true });
    iReport = await runSegment({ head: signHead, model: fx.model, inputs: [fx.scene], out: inputOut, providers: 'cpu', probabilities: true });
  });

  test("on the head's grid, every cell's class is the sign of the feature channel (from embed)", () => {
    const cls = gdalWindow(modelOut)[0];
    const f = fx.features[channel];
    assert.equal(cls.length, f.length);
    let pos = 0;
    cls.forEach((v, i) => {
      const want = f[i] > 0 ? 1 : 0;
      pos += want;
      assert.equal(v, want, `cell ${i}: feature ${f[i]}`);
    });
    assert.ok(pos > f.length * 0.2 && pos < f.length * 0.8, `both classes present (${pos} of ${f.length})`);
  });

  test('the class raster is Byte, nodata 255, with the palette and names of the head (gdalinfo)', () => {
    const g = gdalinfo(modelOut);
    const src = gdalinfo(fx.scene);
    assert.deepEqual(g.size, [SIZE / 4, SIZE / 4]);
    const want = src.geoTransform.map((v: number, k: number) => (k === 0 || k === 3 ? v : v * 4));
    g.geoTransform.forEach((v: number, k: number) => assert.ok(Math.abs(v - want[k]) < 1e-12, `geoTransform[${k}]`));
    assert.equal(g.coordinateSystem.wkt, src.coordinateSystem.wkt);
    const b = g.bands[0];
    assert.equal(b.type, 'Byte');
    assert.equal(b.noDataValue, 255);
    assert.equal(b.colorInterpretation, 'Palette');
    assert.deepEqual(b.colorTable.entries.slice(0, 2), [[0, 0, 0, 255], [31, 120, 180, 255]]);
    assert.deepEqual(b.categories, ['negative', 'positive']);
    assert.deepEqual(g.metadata[''].SKYSENSE_HEAD, 'sign');
    assert.deepEqual(g.metadata[''].SKYSENSE_TASK, 'segment');
  });

  test('on the input grid: same CRS, size and geotransform as the input (gdalinfo)', () => {
    const g = gdalinfo(inputOut);
    const src = gdalinfo(fx.scene);
    assert.deepEqual(g.size, src.size);
    assert.deepEqual(g.geoTransform, src.geoTransform);
    assert.equal(g.coordinateSystem.wkt, src.coordinateSystem.wkt);
    const p = gdalinfo(join(fx.tmp, 'sign-input.prob.tif'));
    assert.deepEqual(p.size, src.size);
    assert.deepEqual(p.geoTransform, src.geoTransform);
    assert.equal(p.bands.length, 1);
    assert.equal(p.bands[0].type, 'Float32');
    assert.equal(p.bands[0].description, 'p(positive)');
    assert.equal(iReport.grid, 'input');
    assert.equal(iReport.stride, 1);
  });

  test('on the input grid the classes are the thresholded probabilities, and those the bilinear upsampling of the head grid', () => {
    const cls = gdalWindow(inputOut)[0];
    const prob = gdalWindow(join(fx.tmp, 'sign-input.prob.tif'))[0];
    cls.forEach((v, i) => assert.equal(v, prob[i] >= 0.5 ? 1 : 0, `pixel ${i}: p ${prob[i]}`));
    // The head-grid probabilities, upsampled here (pixel centres: u = (x + 0.5) / 4 - 0.5),
    // must match wherever the pixel and both of its source cells come from one tile.
    const coarse = gdalWindow(join(fx.tmp, 'sign-model.prob.tif'))[0];
    const n = SIZE / 4;
    const { tile, margin, overlap } = mReport;
    const xs = planTiles({ width: SIZE, height: SIZE, tileWidth: tile, tileHeight: tile, overlapX: overlap, overlapY: overlap, stride: 1 }).xs;
    const zone = (x: number) => {
      const hits = xs.map((t, i) => [i === 0 ? 0 : t + margin, i === xs.length - 1 ? SIZE : t + tile - margin]).flatMap(([lo, hi], i) => (x >= lo && x < hi ? [i] : []));
      return hits.length === 1 ? hits[0] : -1;
    };
    const support = (x: number): [number, number, number] | null => {
      const u = Math.min(n - 1, Math.max(0, (x + 0.5) / 4 - 0.5));
      const c0 = Math.floor(u);
      const c1 = Math.min(n - 1, c0 + 1);
      const z = zone(x);
      if (z < 0 || zone(c0 * 4) !== z || zone(c1 * 4 + 3) !== z || zone(c0 * 4 + 3) !== z || zone(c1 * 4) !== z) return null;
      return [c0, c1, u - c0];
    };
    let compared = 0;
    for (let y = 0; y < SIZE; y++) {
      const sy = support(y);
      if (!sy) continue;
      for (let x = 0; x < SIZE; x++) {
        const sx = support(x);
        if (!sx) continue;
        const at = (r: number, c: number): number => coarse[r * n + c];
        const top: number = at(sy[0], sx[0]) + (at(sy[0], sx[1]) - at(sy[0], sx[0])) * sx[2];
        const bottom: number = at(sy[1], sx[0]) + (at(sy[1], sx[1]) - at(sy[1], sx[0])) * sx[2];
        const want: number = top + (bottom - top) * sy[2];
        assert.ok(Math.abs(prob[y * SIZE + x] - want) < 1e-5, `pixel ${x},${y}: ${prob[y * SIZE + x]} vs ${want}`);
        compared++;
      }
    }
    assert.ok(compared > SIZE * SIZE * 0.5, `compared ${compared} pixels`);
  });

  test('the report: head provenance, cells per class, and areas on the ellipsoid (oracle: equal-area polygons)', () => {
    const r = JSON.parse(readFileSync(`${inputOut}.report.json`, 'utf8')) as SegmentReport;
    assert.deepEqual(r, JSON.parse(JSON.stringify(iReport)));
    assert.equal(r.head.name, 'sign');
    assert.equal(r.head.trainedOn, 'fixed weights for tests (no training)');
    assert.equal(r.provider, 'cpu');
    assert.deepEqual(r.warnings, [], 'the encoder weights match the head record');
    assert.equal(r.inputs[0].modality, 's1');
    assert.deepEqual(r.inputs[0].bandNames, ['VV', 'VH']);
    const cls = gdalWindow(inputOut)[0];
    // Row areas from the four corners of the row's first pixel, projected to a local equal-area CRS.
    const src = gdalinfo(fx.scene);
    const [lon, lat] = src.cornerCoordinates.center;
    const corners: [number, number][] = [];
    for (let y = 0; y < SIZE; y++) corners.push([0, y], [1, y], [1, y + 1], [0, y + 1]);
    const proj = gdalTransform(corners, { file: inputOut, tSrs: `+proj=laea +lat_0=${lat} +lon_0=${lon} +datum=WGS84 +units=m` });
    const rowArea = Array.from({ length: SIZE }, (_, y) => {
      const p = proj.slice(4 * y, 4 * y + 4);
      let s = 0;
      for (let k = 0; k < 4; k++) s += p[k][0] * p[(k + 1) % 4][1] - p[(k + 1) % 4][0] * p[k][1];
      return Math.abs(s) / 2;
    });
    for (const c of r.classes) {
      let cells = 0;
      let area = 0;
      cls.forEach((v, i) => {
        if (v !== c.value) return;
        cells++;
        area += rowArea[Math.floor(i / SIZE)];
      });
      assert.equal(c.cells, cells, c.name);
      assert.ok(Math.abs(c.areaM2! - area) <= 1e-6 * area, `${c.name}: ${c.areaM2} m² vs ${area} m²`);
    }
    assert.equal(r.area.method, 'ellipsoid');
    assert.deepEqual(r.outputs.map((o) => o.role), ['classes', 'probabilities']);
    assert.ok(!existsSync(join(fx.tmp, 'sign-input.tif.tmp')));
  });
});

describe('segment: softmax head', () => {
  test('class values 0, 5, 9 are the argmax of [0, 10 f1, 10 f2]; the palette has gaps; other encoder weights are warned', async () => {
    const out = join(fx.tmp, 'soft.tif');
    const r = await runSegment({ head: softHead, model: fx.model, inputs: [fx.scene], out, providers: 'cpu', grid: 'model' });
    const cls = gdalWindow(out)[0];
    const values = [0, 5, 9];
    const seen = new Set<number>();
    cls.forEach((v, i) => {
      const want = values[argmax([0, 10 * fx.features[pair[0]][i], 10 * fx.features[pair[1]][i]])];
      seen.add(want);
      assert.equal(v, want, `cell ${i}`);
    });
    assert.ok(seen.size >= 2, `classes seen: ${[...seen]}`);
    const b = gdalinfo(out).bands[0];
    assert.deepEqual(b.colorTable.entries[5], [255, 0, 0, 255]);
    assert.deepEqual(b.colorTable.entries[9], [0, 255, 0, 255]);
    assert.deepEqual(b.categories.slice(0, 10), ['neither', '', '', '', '', 'first', '', '', '', 'second']);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0], /trained on s1_encoder weights with sha256 000000000000\.\.\., but .*s1_encoder\.onnx has [0-9a-f]{12}/);
    assert.equal(r.classes.reduce((s, c) => s + c.cells, 0), cls.length);
  });
});

describe('segment: bad heads and inputs', () => {
  const rejects = async (p: Promise<unknown>, re: RegExp) => {
    await assert.rejects(p, (err: unknown) => {
      assert.ok(err instanceof ApiError, String(err));
      assert.match(err.message, re);
      return true;
    });
  };
  const copyHead = (name: string, edit: (m: any) => void) => {
    const dir = join(fx.tmp, name);
    cpSync(signHead, dir, { recursive: true });
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    edit(m);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    return dir;
  };

  test('an S2 raster given to an S1 head names both modalities, before any output', async () => {
    const out = join(fx.tmp, 's2.tif');
    await rejects(runSegment({ head: signHead, model: fx.model, inputs: [S2_CHIP], out, providers: 'cpu' }), /S2Hand\.tif: looks like Sentinel-2 imagery .*but head "sign" reads Sentinel-1 .*encoder\.modality "s1"/);
    await rejects(runSegment({ head: signHead, model: fx.model, inputs: [fx.scene], out, modality: 's2' }), /--modality s2: head "sign" reads Sentinel-1/);
    assert.ok(!existsSync(out));
  });

  test('a broken head manifest names the file and the key', async () => {
    const dir = copyHead('bad-colour', (m) => (m.classes[1].color = 'blue'));
    await rejects(runSegment({ head: dir, model: fx.model, inputs: [fx.scene], out: join(fx.tmp, 'x.tif') }), new RegExp(`${join(dir, 'manifest.json')}: classes\\[1\\]\\.color: expected a colour`));
    const gone = copyHead('no-file', (m) => (m.file = 'missing.onnx'));
    await rejects(loadHead(gone), /manifest\.json: file: missing\.onnx does not exist/);
  });

  test("a graph whose input names differ from the manifest's is refused with both names", async () => {
    const dir = copyHead('renamed-input', (m) => (m.inputs[0].name = 'features'));
    await rejects(loadHead(dir, { providers: ['cpu'] }), /head\.onnx vs .*renamed-input\/manifest\.json: inputs: manifest names \["features"\] but the graph has \["feat"\]/);
  });

  test('a tap that the encoder does not give, and a head of another task, are refused by key', async () => {
    const tap = copyHead('bad-tap', (m) => (m.inputs[0].tap = 'feat_l9'));
    await rejects(runSegment({ head: tap, model: fx.model, inputs: [fx.scene], out: join(fx.tmp, 'x.tif') }), /bad-tap\/manifest\.json: inputs\[0\]\.tap: "feat_l9" is not an output of s1_encoder .*feat_l0, feat_l1, feat_l2, feat_l3/);
    const module = copyHead('bad-module', (m) => (m.encoder.module = 's2_encoder'));
    await rejects(runSegment({ head: module, model: fx.model, inputs: [fx.scene], out: join(fx.tmp, 'x.tif') }), /bad-module\/manifest\.json: encoder\.module: "s2_encoder" is not a module of/);
    const change = copyHead('a-change-head', (m) => {
      m.task = 'change';
      m.inputs = [{ ...m.inputs[0], name: 'a', date: 'a' }, { ...m.inputs[0], name: 'b', date: 'b' }];
    });
    await rejects(runSegment({ head: change, model: fx.model, inputs: [fx.scene], out: join(fx.tmp, 'x.tif') }), /task: head "sign" is a change head; the segment task needs a segment head/);
    await rejects(runSegment({ head: signHead, inputs: [fx.scene], out: join(fx.tmp, 'x.tif') }), /give the encoder model folder \(head "sign" runs on "skysense-tiny-random"/);
  });
});
