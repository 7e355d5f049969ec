/**
 * segment with a fused head on a real 3-date Sentinel-2 series (eo-learn Slovenia L1C) and
 * the shipped SkySense-Tiny: the head is a real ONNX file exported by torch with fixed
 * weights on two channels of the fusion output (a 1x1 conv, softmax over 3 classes). The
 * expected classes and probabilities are computed here from fused-embed's features of the
 * same series on the same tiles. With abutting tiles (96 px crops of the series made by
 * gdal_translate, 48 px tiles, overlap 0) every pixel comes from one tile and must match; with the default overlap, segment blends probabilities and
 * fused-embed blends features across the overlap, so only pixels outside it must match
 * exactly. The grid, palette and category names are read with gdalinfo. A fused head
 * given one raster, and a single-date head given a series, are refused by name before any
 * output is written; so is the CLI's series form with a single-date head.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { planTiles } from '../../main/tiler/index.ts';
import { runFusedEmbed, type FusedEmbedReport } from '../../main/tasks/embed/fused-embed.ts';
import { runSegment, type SegmentSeriesReport } from '../../main/tasks/segment/segment.ts';
import { dataPath, gdalinfo, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';
import { fusedHeadManifest, makeTestHead, s1HeadManifest } from '../helpers/test-heads.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const NOW = new Date('2026-11-26T12:00:00Z');
const EOLEARN = dataPath('more/eolearn_testeopatch_slovenia');
const FILES = readdirSync(EOLEARN).filter((f) => f.startsWith('S2L1C_')).sort().slice(0, 3).map((f) => join(EOLEARN, f));

let tmp = '';
let features: number[][] = [];
let abutting: number[][] = [];
let CROPS: string[] = [];
let fused: FusedEmbedReport;
let head = '';
let s1Head = '';
let channels: [number, number] = [-1, -1];
let medians: [number, number] = [0, 0];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** The channel whose values spread most around their median (a class boundary that splits the scene). */
function spreadChannel(skip: number[]): number {
  let best = -1;
  let bestSpread = -1;
  features.forEach((band, c) => {
    if (skip.includes(c)) return;
    const m = median(band);
    const spread = band.reduce((s, v) => s + Math.abs(v - m), 0);
    if (spread > bestSpread) [best, bestSpread] = [c, spread];
  });
  return best;
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-segment-series-'));
  const featOut = join(tmp, 'fused.tif');
  fused = await runFusedEmbed({ model: MODEL, s2: FILES, out: featOut, providers: 'cpu', now: NOW });
  features = gdalWindow(featOut);
  // 96 x 96 crops (metadata and dates kept): 2 x 2 tiles of 48 px that abut exactly.
  mkdirSync(join(tmp, 'crop'));
  CROPS = FILES.map((f) => join(tmp, 'crop', basename(f)));
  FILES.forEach((f, i) => gdalTranslate(['-q', '-srcwin', '0', '0', '96', '96', f, CROPS[i]]));
  const abutOut = join(tmp, 'fused-abutting.tif');
  await runFusedEmbed({ model: MODEL, s2: CROPS, out: abutOut, providers: 'cpu', now: NOW, tile: 48, overlap: 0 });
  abutting = gdalWindow(abutOut);
  const c0 = spreadChannel([]);
  channels = [c0, spreadChannel([c0])];
  medians = [median(features[channels[0]]), median(features[channels[1]])];
  // logits: "low" 0; "first" 10 (f[c0] - m0); "second" 10 (f[c1] - m1).
  head = join(tmp, 'fused-head');
  makeTestHead(head, {
    net: 'conv1x1',
    weights: [[1, channels[0], 10], [2, channels[1], 10]],
    bias: [0, -10 * medians[0], -10 * medians[1]],
    manifest: fusedHeadManifest(MODEL, 'fused-test', [
      { value: 0, name: 'low', color: '#202020' },
      { value: 4, name: 'first', color: '#ff8000' },
      { value: 7, name: 'second', color: '#0080ff' },
    ]),
  });
  s1Head = join(tmp, 's1-head');
  makeTestHead(s1Head, { net: 'conv1x1', weights: [[0, 0, 1]], bias: [0], manifest: s1HeadManifest() });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

let ties = 0;

/** Checks the classes and probabilities of `out` against the head applied to `feats` where `where(i)`; returns pixels checked. */
function checkPixels(out: string, feats: number[][], where: (i: number) => boolean): number {
  const cls = gdalWindow(out)[0];
  const prob = gdalWindow(out.replace(/\.tif$/, '.prob.tif'));
  const values = [0, 4, 7];
  assert.equal(cls.length, feats[0].length);
  ties = 0;
  let checked = 0;
  const seen = new Set<number>();
  for (let i = 0; i < cls.length; i++) {
    if (!where(i)) continue;
    const z = [0, 10 * (feats[channels[0]][i] - medians[0]), 10 * (feats[channels[1]][i] - medians[1])];
    const order = [0, 1, 2].sort((a, b) => z[b] - z[a]);
    const max = z[order[0]];
    const sum = z.reduce((s, v) => s + Math.exp(v - max), 0);
    z.forEach((v, k) => assert.ok(Math.abs(prob[k][i] - Math.exp(v - max) / sum) < 1e-3, `pixel ${i} p${k}: ${prob[k][i]} vs ${Math.exp(v - max) / sum}`));
    // A near tie may fall either way in float32.
    if (z[order[0]] - z[order[1]] < 1e-3) {
      ties++;
      continue;
    }
    assert.equal(cls[i], values[order[0]], `pixel ${i}: class ${cls[i]}, expected ${values[order[0]]} (logits ${z.join(', ')})`);
    seen.add(cls[i]);
    checked++;
  }
  assert.ok(ties < 10, `${ties} near ties`);
  assert.deepEqual([...seen].sort(), [0, 4, 7], 'all three classes appear');
  return checked;
}

const noOutput = (out: string) => assert.ok(!existsSync(out) && !existsSync(`${out}.report.json`), `${out} was written`);

describe('segment: fused head on a 3-date S2 series', () => {
  let out = '';
  let report: SegmentSeriesReport;
  before(async () => {
    out = join(tmp, 'classes.tif');
    report = (await runSegment({ head, model: MODEL, s2: FILES, out, providers: 'cpu', probabilities: true, now: NOW })) as SegmentSeriesReport;
  });

  test('the class raster lies on the S2 grid (gdalinfo): Byte, nodata 255, palette and names of the head', () => {
    const g = gdalinfo(out);
    const src = gdalinfo(FILES[0]);
    assert.deepEqual(g.size, src.size);
    assert.deepEqual(g.geoTransform, src.geoTransform);
    assert.equal(g.coordinateSystem.wkt, src.coordinateSystem.wkt);
    assert.equal(g.bands.length, 1);
    assert.equal(g.bands[0].type, 'Byte');
    assert.equal(g.bands[0].noDataValue, 255);
    const entries = g.bands[0].colorTable.entries;
    assert.deepEqual(entries[4].slice(0, 3), [255, 128, 0]);
    assert.deepEqual(entries[7].slice(0, 3), [0, 128, 255]);
    assert.deepEqual(g.bands[0].categories.slice(0, 8), ['low', '', '', '', 'first', '', '', 'second']);
    assert.equal(g.metadata[''].SKYSENSE_TASK, 'segment');
    assert.equal(g.metadata[''].SKYSENSE_MODULE, 'fusion');
    assert.equal(g.metadata[''].SKYSENSE_S2_DATES, fused.inputs.map((i) => i.date).sort().join(','));
  });

  test('outside the tile overlaps, every pixel is the argmax of the head on fused-embed\'s features and its probabilities the softmax', () => {
    // Pixels inside another tile's span are blended by the tiler (features there vs probabilities here).
    const plan = planTiles({ width: fused.grid.width, height: fused.grid.height, tileWidth: report.tile, tileHeight: report.tile, overlapX: report.overlap, overlapY: report.overlap, stride: 1 });
    const { width, height } = fused.grid;
    const spans = (origins: number[], n: number) => {
      const c = new Uint8Array(n);
      for (const o of origins) for (let k = o; k < Math.min(o + report.tile, n); k++) c[k]++;
      return c;
    };
    const cx = spans(plan.xs, width);
    const cy = spans(plan.ys, height);
    const covers = Uint8Array.from({ length: width * height }, (_, i) => cx[i % width] * cy[Math.floor(i / width)]);
    const checked = checkPixels(out, features, (i) => covers[i] === 1);
    assert.ok(checked > 0.5 * covers.length, `${checked} pixels checked`);
  });

  test('with abutting tiles (96 px crops, 48 px tiles, overlap 0) every pixel is the argmax of the head on fused-embed\'s features', async () => {
    const abutOut = join(tmp, 'classes-abutting.tif');
    await runSegment({ head, model: MODEL, s2: CROPS, out: abutOut, providers: 'cpu', probabilities: true, now: NOW, tile: 48, overlap: 0 });
    assert.deepEqual(gdalinfo(abutOut).size, [96, 96]);
    assert.equal(checkPixels(abutOut, abutting, () => true), abutting[0].length - ties);
  });

  test('the report gives the head, the dates and their sources as fused-embed does, class areas', () => {
    assert.equal(report.task, 'segment');
    assert.equal(report.head.encoder.modality, 'fused');
    assert.equal(report.model.module, 'fusion');
    assert.deepEqual(report.model.taps, ['fused']);
    assert.deepEqual(report.series.modalities, ['s2']);
    assert.deepEqual(report.series.grid, fused.grid);
    assert.deepEqual(
      report.inputs.map((i) => [i.path, i.date, i.dateSource, i.doyFed, i.position]),
      fused.inputs.map((i) => [i.path, i.date, i.dateSource, i.doyFed, i.position]),
    );
    assert.equal(report.stride, 1);
    assert.equal(report.warnings.length, 0, report.warnings.join('; '));
    const cls = gdalWindow(out)[0];
    for (const c of report.classes) assert.equal(c.cells, cls.filter((v) => v === c.value).length, c.name);
    const onDisk = JSON.parse(readFileSync(`${out}.report.json`, 'utf8'));
    assert.deepEqual(onDisk.inputs.map((i: { date: string }) => i.date), report.inputs.map((i) => i.date));
  });
});

describe('segment: the wrong kind of input for the head is refused by name', () => {
  test('a fused head given one raster', async () => {
    const out = join(tmp, 'single.tif');
    await assert.rejects(runSegment({ head, model: MODEL, inputs: [FILES[0]], out, providers: 'cpu', now: NOW }), (err: Error) => {
      assert.match(err.message, /fused-head[/\\]manifest\.json: head "fused-test" is a fused head \(encoder\.modality "fused"\): it reads an S2 and\/or S1 time series/);
      assert.ok(err.message.includes(FILES[0]));
      return true;
    });
    noOutput(out);
  });

  test('a single-date head given a series', async () => {
    const out = join(tmp, 'series.tif');
    await assert.rejects(runSegment({ head: s1Head, model: MODEL, s2: FILES.slice(0, 2), out, providers: 'cpu', now: NOW }), (err: Error) => {
      assert.match(err.message, /s1-head[/\\]manifest\.json: head "test-head" reads one s1 raster \(encoder\.modality "s1"\), not a time series: s2 apply only to fused heads/);
      return true;
    });
    noOutput(out);
  });

  test('on the command line: several --input with a single-date head', () => {
    const out = join(tmp, 'cli.tif');
    const r = skysense('run', '--task', 'segment', '--head', s1Head, '--model', MODEL, '--input', FILES[0], '--input', FILES[1], '--out', out, '--provider', 'cpu');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /not a time series: s2 apply only to fused heads/);
    noOutput(out);
  });
});
