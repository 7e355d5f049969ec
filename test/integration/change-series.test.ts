/**
 * change with a fused head on two real 2-date Sentinel-2 series (eo-learn Slovenia L1C: dates
 * 1-2 are series a, dates 3-4 series b) and the shipped SkySense-Tiny. The head is a real ONNX
 * file exported by torch with fixed weights: a sigmoid of 10 (b - a - m) on one channel of the
 * fusion output. The expected change mask and probability are computed here from fused-embed's
 * features of each series, on pixels only one tile covers (elsewhere the tiler blends
 * probabilities, fused-embed features). Grid, palette and names are read with gdalinfo. A fused
 * head given two single rasters, a single-date head given series, and series b off series a's
 * grid are refused by name before any output is written. One CLI run (--a/--b) gives the same mask.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planTiles } from '../../main/tiler/index.ts';
import { runFusedEmbed, type FusedEmbedReport } from '../../main/tasks/embed/fused-embed.ts';
import { runChange, type ChangeSeriesReport } from '../../main/tasks/change/change.ts';
import { dataPath, gdalinfo, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';
import { makeTestHead, s1HeadManifest, sha256 } from '../helpers/test-heads.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const NOW = new Date('2026-11-26T12:00:00Z');
const EOLEARN = dataPath('more/eolearn_testeopatch_slovenia');
const FILES = readdirSync(EOLEARN).filter((f) => f.startsWith('S2L1C_')).sort().slice(0, 4).map((f) => join(EOLEARN, f));
const A = FILES.slice(0, 2);
const B = FILES.slice(2, 4);

let tmp = '';
let fa: number[][] = [];
let fb: number[][] = [];
let fusedA: FusedEmbedReport;
let fusedB: FusedEmbedReport;
let head = '';
let s1Change = '';
let channel = -1;
let m = 0;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const changeInputs = (tap: string) => [
  { name: 'feat_a', dtype: 'float32', shape: ['batch', 128, 'h', 'w'], tap, date: 'a' },
  { name: 'feat_b', dtype: 'float32', shape: ['batch', 128, 'h', 'w'], tap, date: 'b' },
];
const noOutput = (out: string) => assert.ok(!existsSync(out) && !existsSync(`${out}.report.json`), `${out} was written`);

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-change-series-'));
  fusedA = await runFusedEmbed({ model: MODEL, s2: A, out: join(tmp, 'fa.tif'), providers: 'cpu', now: NOW });
  fusedB = await runFusedEmbed({ model: MODEL, s2: B, out: join(tmp, 'fb.tif'), providers: 'cpu', now: NOW });
  fa = gdalWindow(join(tmp, 'fa.tif'));
  fb = gdalWindow(join(tmp, 'fb.tif'));
  // The channel whose b - a spreads most around its median: a change boundary that splits the scene.
  let best = -1;
  fa.forEach((band, c) => {
    const d = band.map((v, i) => fb[c][i] - v);
    const mc = median(d);
    const spread = d.reduce((s, v) => s + Math.abs(v - mc), 0);
    if (spread > best) [best, channel, m] = [spread, c, mc];
  });
  head = join(tmp, 'fused-change');
  makeTestHead(head, {
    net: 'diff',
    weights: [[0, channel, 10]],
    bias: [-10 * m],
    manifest: s1HeadManifest({
      name: 'fused-change-test',
      title: 'Fused change test',
      task: 'change',
      encoder: { name: 'skysense-tiny', modality: 'fused', module: 'fusion', weightsSha256: sha256(join(MODEL, 'fusion.onnx')) },
      inputs: changeInputs('fused'),
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 1, 'h', 'w'], stride: 1 }],
      classes: [
        { value: 0, name: 'no change', color: '#000000' },
        { value: 1, name: 'change', color: '#e31a1c' },
      ],
    }),
  });
  s1Change = join(tmp, 's1-change');
  makeTestHead(s1Change, { net: 'diff', weights: [[0, 0, 1]], bias: [0], manifest: s1HeadManifest({ task: 'change', inputs: changeInputs('feat_l3') }) });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('change: fused head on series a (dates 1-2) and b (dates 3-4)', () => {
  let out = '';
  let report: ChangeSeriesReport;
  before(async () => {
    out = join(tmp, 'change.tif');
    report = (await runChange({ head, model: MODEL, seriesA: { s2: A }, seriesB: { s2: B }, out, providers: 'cpu', now: NOW })) as ChangeSeriesReport;
  });

  test('the mask lies on the S2 grid (gdalinfo): Byte, nodata 255, palette and names; the probability raster is Float32', () => {
    const g = gdalinfo(out);
    const src = gdalinfo(A[0]);
    assert.deepEqual(g.size, src.size);
    assert.deepEqual(g.geoTransform, src.geoTransform);
    assert.equal(g.coordinateSystem.wkt, src.coordinateSystem.wkt);
    assert.equal(g.bands[0].type, 'Byte');
    assert.equal(g.bands[0].noDataValue, 255);
    assert.deepEqual(g.bands[0].colorTable.entries[1].slice(0, 3), [227, 26, 28]);
    assert.deepEqual(g.bands[0].categories.slice(0, 2), ['no change', 'change']);
    assert.equal(g.metadata[''].SKYSENSE_TASK, 'change');
    assert.equal(g.metadata[''].SKYSENSE_A_S2_DATES, fusedA.inputs.map((i) => i.date).sort().join(','));
    assert.equal(g.metadata[''].SKYSENSE_B_S2_DATES, fusedB.inputs.map((i) => i.date).sort().join(','));
    const p = gdalinfo(out.replace(/\.tif$/, '.prob.tif'));
    assert.deepEqual(p.size, src.size);
    assert.deepEqual(p.geoTransform, src.geoTransform);
    assert.equal(p.bands[0].type, 'Float32');
  });

  test('where one tile covers a pixel, mask and probability are the head on fused-embed\'s features of a and b', () => {
    const { width, height } = fusedA.grid;
    const plan = planTiles({ width, height, tileWidth: report.tile, tileHeight: report.tile, overlapX: report.overlap, overlapY: report.overlap, stride: 1 });
    const spans = (origins: number[], n: number) => {
      const c = new Uint8Array(n);
      for (const o of origins) for (let k = o; k < Math.min(o + report.tile, n); k++) c[k]++;
      return c;
    };
    const cx = spans(plan.xs, width);
    const cy = spans(plan.ys, height);
    const cls = gdalWindow(out)[0];
    const prob = gdalWindow(out.replace(/\.tif$/, '.prob.tif'))[0];
    let checked = 0;
    const seen = new Set<number>();
    for (let i = 0; i < cls.length; i++) {
      if (cx[i % width] * cy[Math.floor(i / width)] !== 1) continue;
      const z = 10 * (fb[channel][i] - fa[channel][i] - m);
      const p = 1 / (1 + Math.exp(-z));
      assert.ok(Math.abs(prob[i] - p) < 1e-3, `pixel ${i}: p ${prob[i]} vs ${p}`);
      if (Math.abs(z) < 1e-2) continue;
      assert.equal(cls[i], z > 0 ? 1 : 0, `pixel ${i}: class ${cls[i]}, z ${z}`);
      seen.add(cls[i]);
      checked++;
    }
    assert.ok(checked > 0.5 * cls.length, `${checked} pixels checked`);
    assert.deepEqual([...seen].sort(), [0, 1], 'both classes appear');
  });

  test('the report gives both series\' dates and sources as fused-embed does', () => {
    assert.equal(report.task, 'change');
    assert.equal(report.head.encoder.modality, 'fused');
    assert.deepEqual(report.series.a.grid, fusedA.grid);
    assert.deepEqual(report.series.b.modalities, ['s2']);
    const pick = (i: { path: string; date: string | null; dateSource: string | null; doyFed: number }) => [i.path, i.date, i.dateSource, i.doyFed];
    assert.deepEqual(report.inputs.filter((i) => i.series === 'a').map(pick), fusedA.inputs.map(pick));
    assert.deepEqual(report.inputs.filter((i) => i.series === 'b').map(pick), fusedB.inputs.map(pick));
    assert.deepEqual(report.outputs.map((o) => o.role), ['classes', 'probabilities']);
    assert.equal(report.warnings.length, 0, report.warnings.join('; '));
    const onDisk = JSON.parse(readFileSync(`${out}.report.json`, 'utf8'));
    assert.deepEqual(onDisk.inputs.map((i: { series: string; date: string }) => `${i.series}:${i.date}`), report.inputs.map((i) => `${i.series}:${i.date}`));
  });

  test('on the command line: --a FILE --a FILE --b FILE --b FILE gives the same mask', () => {
    const cliOut = join(tmp, 'cli.tif');
    const r = skysense('run', '--task', 'change', '--head', head, '--model', MODEL, '--a', A[0], '--a', A[1], '--b', B[0], '--b', B[1], '--out', cliOut, '--provider', 'cpu');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(gdalWindow(cliOut)[0], gdalWindow(out)[0]);
  });
});

describe('change on two series with a mask (--mask on the shared grid)', () => {
  test('the masked pixels (eo-learn land cover class 3) are nodata in the mask and the probability; both series report the mask', async () => {
    const lulc = join(EOLEARN, 'LULC_label.tif');
    const out = join(tmp, 'change-masked.tif');
    const rep = (await runChange({ head, model: MODEL, seriesA: { s2: A }, seriesB: { s2: B }, mask: { path: lulc, values: [3] }, out, providers: 'cpu', now: NOW })) as ChangeSeriesReport;
    const classes = gdalWindow(lulc)[0];
    const want = classes.filter((v) => v === 3).length;
    assert.ok(want > 100, `only ${want} pixels of class 3`);
    assert.equal(rep.series.a.mask?.pixels, want);
    assert.deepEqual(rep.series.b.mask, rep.series.a.mask);
    const cls = gdalWindow(out)[0];
    const prob = gdalWindow(out.replace(/\.tif$/, '.prob.tif'))[0];
    for (let i = 0; i < cls.length; i++) {
      if (classes[i] === 3) {
        assert.equal(cls[i], 255, `pixel ${i} is masked`);
        assert.ok(Number.isNaN(prob[i]), `pixel ${i} probability`);
      } else assert.notEqual(cls[i], 255, `pixel ${i} is not masked`);
    }
  });
});

describe('change: the wrong kind of input is refused by name', () => {
  test('a fused change head given two single rasters', async () => {
    const out = join(tmp, 'single.tif');
    await assert.rejects(runChange({ head, model: MODEL, inputsA: [A[0]], inputsB: [B[0]], out, providers: 'cpu' }), (err: Error) => {
      assert.match(err.message, /fused-change[/\\]manifest\.json: head "fused-change-test" is a fused change head/);
      assert.ok(err.message.includes(A[0]) && err.message.includes(B[0]));
      return true;
    });
    noOutput(out);
  });

  test('a single-date change head given series', async () => {
    const out = join(tmp, 'series.tif');
    await assert.rejects(runChange({ head: s1Change, model: MODEL, seriesA: { s2: A }, seriesB: { s2: B }, out, providers: 'cpu', now: NOW }), (err: Error) => {
      assert.match(err.message, /s1-change[/\\]manifest\.json: head "test-head" reads two single s1 rasters .*not time series: seriesA, seriesB apply only to fused change heads/);
      return true;
    });
    noOutput(out);
  });

  test('series b off series a\'s grid: both files named', async () => {
    const crop = join(tmp, 'crop.tif');
    gdalTranslate(['-q', '-srcwin', '0', '0', '96', '96', B[0], crop]);
    const out = join(tmp, 'offgrid.tif');
    await assert.rejects(runChange({ head, model: MODEL, seriesA: { s2: A }, seriesB: { s2: [crop, B[1]] }, out, providers: 'cpu', now: NOW }), (err: Error) => {
      assert.match(err.message, /series a and b must share one grid/);
      assert.ok(err.message.includes(A[0]) && err.message.includes(crop), err.message);
      assert.match(err.message, /different sizes \(100 x 101 vs 96 x 96 px\)/);
      return true;
    });
    noOutput(out);
  });

  test('on the command line: --a with --input is a usage error', () => {
    const r = skysense('run', '--task', 'change', '--head', head, '--a', A[0], '--b', B[0], '--input', A[1], '--out', join(tmp, 'u.tif'));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /two rasters \(--input BEFORE --input AFTER\) or two series/);
  });
});
