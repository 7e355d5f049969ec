/**
 * runClassify on a real Sentinel-1 crop (Sen1Floods11) with test heads that score a tile by
 * the mean of feature channels (real ONNX files exported by torch): one class per `grid` px
 * tile on the input grid scaled by the grid, each the argmax computed here from the embed
 * task's features of the same tiles, and the whole-raster answer the mean of the tile
 * probabilities (softmax), or every class above the threshold (multi-label sigmoid).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runClassify } from '../../main/tasks/classify/classify.ts';
import { runEmbed } from '../../main/tasks/embed/embed.ts';
import { gdalinfo, gdalTransform, gdalTranslate, gdalWindow } from '../helpers/gdal.ts';
import { argmax, balancedChannel, S1_CHIP, s1Fixture, sigmoid, softmax, type S1Fixture } from '../helpers/head-fixtures.ts';
import { makeTestHead, s1HeadManifest } from '../helpers/test-heads.ts';

const W = 320;
const H = 256;
const GRID = 64;
const COLS = W / GRID;
const ROWS = H / GRID;

let fx: S1Fixture;
/** tileMean[c][tile]: mean of channel c over the tile's feature cells (embed, tile 64, no overlap). */
let tileMean: number[][] = [];
let chans: number[] = [];
const GAIN = 8;

before(async () => {
  fx = await s1Fixture('skysense-classify-', [96, 128, W, H]);
  const feat = join(fx.tmp, 'tile-features.tif');
  await runEmbed({ model: fx.model, inputs: [fx.scene], out: feat, providers: 'cpu', tile: GRID, overlap: 0 });
  const f = gdalWindow(feat);
  const fw = W / 4;
  const cell = GRID / 4;
  tileMean = f.map((band) =>
    Array.from({ length: COLS * ROWS }, (_, t) => {
      const [tx, ty] = [t % COLS, Math.floor(t / COLS)];
      let s = 0;
      for (let y = 0; y < cell; y++) for (let x = 0; x < cell; x++) s += band[(ty * cell + y) * fw + tx * cell + x];
      return s / (cell * cell);
    }),
  );
  chans = [];
  for (let k = 0; k < 3; k++) chans.push(balancedChannel(tileMean, chans));
});
after(() => rmSync(fx.tmp, { recursive: true, force: true }));

function head(name: string, activation: 'softmax' | 'sigmoid', bias: number[]): string {
  const dir = join(fx.tmp, name);
  makeTestHead(dir, {
    net: 'pool_linear',
    weights: activation === 'softmax' ? [[1, chans[0], GAIN], [2, chans[1], GAIN]] : chans.map((c, k) => [k, c, GAIN] as [number, number, number]),
    bias,
    manifest: s1HeadManifest({
      name,
      task: 'classify',
      encoder: { name: fx.modelName, modality: 's1', module: 's1_encoder', weightsSha256: null },
      outputs: [{ name: 'scores', dtype: 'float32', shape: ['batch', 3] }],
      activation,
      classes: [
        { value: 0, name: 'alpha', color: '#ff0000' },
        { value: 1, name: 'beta', color: '#00ff00' },
        { value: 2, name: 'gamma', color: '#0000ff' },
      ],
      tile: { size: GRID, stride: GRID },
    }),
  });
  return dir;
}

describe('classify: softmax head', () => {
  test('one pixel per tile on the input grid x 64, each the argmax of the tile scores; the scene is the mean probability', async () => {
    const out = join(fx.tmp, 'soft.tif');
    const r = await runClassify({ head: head('soft', 'softmax', [0, 0, 0]), model: fx.model, inputs: [fx.scene], out, providers: 'cpu', probabilities: true });
    const g = gdalinfo(out);
    const src = gdalinfo(fx.scene);
    assert.deepEqual(g.size, [COLS, ROWS]);
    g.geoTransform.forEach((v: number, k: number) => assert.ok(Math.abs(v - (k === 0 || k === 3 ? src.geoTransform[k] : src.geoTransform[k] * GRID)) < 1e-12, `geoTransform[${k}]`));
    assert.equal(g.coordinateSystem.wkt, src.coordinateSystem.wkt);
    assert.deepEqual(g.bands[0].categories, ['alpha', 'beta', 'gamma']);
    const cls = gdalWindow(out)[0];
    const prob = gdalWindow(join(fx.tmp, 'soft.prob.tif'));
    const mean = [0, 0, 0];
    const seen = new Set<number>();
    for (let t = 0; t < COLS * ROWS; t++) {
      const p = softmax([0, GAIN * tileMean[chans[0]][t], GAIN * tileMean[chans[1]][t]]);
      p.forEach((v, k) => {
        mean[k] += v / (COLS * ROWS);
        assert.ok(Math.abs(prob[k][t] - v) < 1e-4, `tile ${t} class ${k}: ${prob[k][t]} vs ${v}`);
      });
      assert.equal(cls[t], argmax(p), `tile ${t}`);
      seen.add(cls[t]);
    }
    assert.ok(seen.size >= 2, `tiles disagree somewhere (${[...seen]})`);
    assert.equal(r.scene.tiles, COLS * ROWS);
    r.scene.probabilities.forEach((c, k) => assert.ok(Math.abs(c.p - mean[k]) < 1e-5, `${c.name}: ${c.p} vs ${mean[k]}`));
    assert.deepEqual(r.scene.labels.map((c) => c.value), [argmax(mean)]);
    assert.equal(r.classes.reduce((s, c) => s + c.cells, 0), COLS * ROWS);
    assert.deepEqual(JSON.parse(readFileSync(`${out}.report.json`, 'utf8')).scene, JSON.parse(JSON.stringify(r.scene)));
  });
});

describe('classify: multi-label sigmoid head', () => {
  test('the scene lists every class whose mean probability reaches the threshold', async () => {
    // Biases put one class clearly above and one clearly below 0.5 whatever the features.
    const out = join(fx.tmp, 'multi.tif');
    const r = await runClassify({ head: head('multi', 'sigmoid', [6, -6, 0]), model: fx.model, inputs: [fx.scene], out, providers: 'cpu' });
    const mean = [0, 1, 2].map((k) => tileMean[chans[k]].reduce((s, m) => s + sigmoid(GAIN * m + [6, -6, 0][k]), 0) / (COLS * ROWS));
    r.scene.probabilities.forEach((c, k) => assert.ok(Math.abs(c.p - mean[k]) < 1e-5, `${c.name}: ${c.p} vs ${mean[k]}`));
    const want = [0, 1, 2].filter((k) => mean[k] >= 0.5).sort((a, b) => mean[b] - mean[a]);
    assert.deepEqual(r.scene.labels.map((c) => c.value), want);
    assert.ok(want.includes(0) && !want.includes(1));
    assert.match(r.scene.rule, /multi-label/);
  });
});

describe('classify: a grid that does not divide the raster', () => {
  test('ceil(size / grid) pixels, and the class areas add up to the raster (oracle: equal-area polygon)', async () => {
    const scene = join(fx.tmp, 'odd.tif');
    gdalTranslate(['-srcwin', '10', '20', '300', '200', S1_CHIP, scene]);
    const out = join(fx.tmp, 'odd-classes.tif');
    const r = await runClassify({ head: join(fx.tmp, 'soft'), model: fx.model, inputs: [scene], out, providers: 'cpu' });
    assert.deepEqual(gdalinfo(out).size, [Math.ceil(300 / GRID), Math.ceil(200 / GRID)]);
    const [lon, lat] = gdalinfo(scene).cornerCoordinates.center;
    const p = gdalTransform([[0, 0], [300, 0], [300, 200], [0, 200]], { file: scene, tSrs: `+proj=laea +lat_0=${lat} +lon_0=${lon} +datum=WGS84 +units=m` });
    let s = 0;
    for (let k = 0; k < 4; k++) s += p[k][0] * p[(k + 1) % 4][1] - p[(k + 1) % 4][0] * p[k][1];
    const total = r.classes.reduce((a, c) => a + c.areaM2!, 0);
    assert.ok(Math.abs(total - Math.abs(s) / 2) < 1e-6 * total, `${total} m² vs ${Math.abs(s) / 2} m²`);
  });
});
