/**
 * cluster and similar on a fused time series (feature-run.ts): a real 3-date Sentinel-2
 * L1C series (eo-learn Slovenia, dates from the files' metadata) through the shipped
 * SkySense-Tiny fusion, checked against fused-embed's features of the same series read back
 * by GDAL:
 * - cluster (CLI, several --input): every label is the nearest reported centre of the
 *   standardised fused feature at that pixel; the grid is the series' reference grid;
 * - similar (API, a point in the raster's CRS): 1 at the query's own pixel and the cosine
 *   to that pixel's fused feature everywhere else.
 * - classify with a fused head (a pool + linear test head exported by torch): per 32 px cell,
 *   the head's softmax on the cell mean of the fused features, and the whole-series answer
 *   the mean of the cells' probabilities.
 * Options meaningful only for one raster (--gsd, bands, modality) are refused by name.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runClassify } from '../../main/tasks/classify/classify.ts';
import { runCluster } from '../../main/tasks/cluster/cluster.ts';
import { runFusedEmbed } from '../../main/tasks/embed/fused-embed.ts';
import { runSimilar } from '../../main/tasks/similar/similar.ts';
import { dataPath, gdalinfo, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';
import { fusedHeadManifest, makeTestHead } from '../helpers/test-heads.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const NOW = new Date('2026-11-27T12:00:00Z');
const EOLEARN = dataPath('more/eolearn_testeopatch_slovenia');
const FILES = readdirSync(EOLEARN).filter((f) => f.startsWith('S2L1C_')).sort().slice(0, 3).map((f) => join(EOLEARN, f));

let tmp = '';
let features: number[][] = [];
let W = 0;
before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-feature-series-'));
  const out = join(tmp, 'fused.tif');
  await runFusedEmbed({ model: MODEL, s2: FILES, out, providers: 'cpu', now: NOW });
  features = gdalWindow(out);
  W = gdalinfo(out).size[0];
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('cluster and similar on a fused 3-date S2 series', () => {
  test('cluster (CLI): every label is the nearest reported centre of the fused feature there', () => {
    const out = join(tmp, 'clusters.tif');
    const r = skysense('run', '--task', 'cluster', '--model', MODEL, ...FILES.flatMap((f) => ['--input', f]), '--k', '4', '--provider', 'cpu', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(readFileSync(`${out}.report.json`, 'utf8'));
    assert.deepEqual(rep.series.modalities, ['s2']);
    assert.equal(rep.inputs.length, 3);
    assert.equal(rep.stride, 1);
    const g = gdalinfo(out);
    assert.deepEqual(g.size, gdalinfo(FILES[0]).size);
    assert.deepEqual(g.geoTransform, gdalinfo(FILES[0]).geoTransform);
    const labels = gdalWindow(out)[0];
    const { mean, std } = rep.standardisation as { mean: number[]; std: number[] };
    const centres = rep.centres as number[][];
    const C = mean.length;
    let wrong = 0;
    let near = 0;
    for (let i = 0; i < labels.length; i++) {
      const z = Array.from({ length: C }, (_, c) => (features[c][i] - mean[c]) / std[c]);
      const d = centres.map((ct) => ct.reduce((s, v, c) => s + (v - z[c]) ** 2, 0));
      const sorted = [...d].sort((a, b) => a - b);
      // Float32 features on both sides: a near-equidistant pixel may go either way.
      if (sorted[1] - sorted[0] < 1e-3 * sorted[1]) {
        near++;
        continue;
      }
      if (labels[i] !== d.indexOf(sorted[0]) + 1) wrong++;
    }
    assert.equal(wrong, 0, `${wrong} of ${labels.length} labels are not the nearest centre (${near} near ties skipped)`);
    assert.equal(new Set(labels).size, 4, 'all four clusters are used');
  });

  test('similar (API): 1 at the query pixel, the cosine to its fused feature everywhere else', async () => {
    const out = join(tmp, 'similar.tif');
    const gt = gdalinfo(FILES[0]).geoTransform as number[];
    const [qx, qy] = [37, 58];
    const rep = await runSimilar({ model: MODEL, s2: FILES, query: { xy: [gt[0] + (qx + 0.5) * gt[1], gt[3] + (qy + 0.5) * gt[5]] }, out, providers: 'cpu', now: NOW });
    assert.ok('series' in rep);
    const sim = gdalWindow(out)[0];
    const q = features.map((b) => b[qy * W + qx]);
    const qn = Math.hypot(...q);
    assert.ok(Math.abs(sim[qy * W + qx] - 1) < 1e-5, `similarity at the query ${sim[qy * W + qx]}`);
    let max = 0;
    for (let i = 0; i < sim.length; i++) {
      const f = features.map((b) => b[i]);
      const cos = f.reduce((s, v, c) => s + v * q[c], 0) / (Math.hypot(...f) * qn);
      max = Math.max(max, Math.abs(cos - sim[i]));
    }
    assert.ok(max < 1e-4, `max |cosine - similarity| ${max}`);
  });

  test('one-raster options on a series are refused by name', async () => {
    await assert.rejects(runCluster({ model: MODEL, s2: FILES, k: 3, gsd: 'model', out: join(tmp, 'x.tif'), now: NOW }), /--gsd does not apply to cluster on a series/);
    await assert.rejects(runSimilar({ model: MODEL, s2: FILES, bands: [1, 2], query: { xy: [0, 0] }, out: join(tmp, 'y.tif'), now: NOW }), /--bands does not apply to similar on a series/);
    await assert.rejects(runCluster({ model: MODEL, inputs: [FILES[0]], s2: FILES, k: 3, out: join(tmp, 'z.tif'), now: NOW }), /give one raster \(inputs\) or a series/);
  });
});

describe('classify with a fused head on the 3-date series', () => {
  test('one answer per 32 px cell: the head on the cell mean of the fused features; the whole-series answer is the mean of the cells', async () => {
    // The same cells fused alone: a fused embed with 32 px tiles and no overlap.
    const cellFeat = join(tmp, 'fused-32.tif');
    await runFusedEmbed({ model: MODEL, s2: FILES, out: cellFeat, providers: 'cpu', now: NOW, tile: 32, overlap: 0 });
    const f = gdalWindow(cellFeat);
    const fw = gdalinfo(cellFeat).size[0];
    // Cells (0..1, 0..1) lie where that embed's tiles are the classify cells themselves.
    const cellMean = (c: number, cx: number, cy: number) => {
      let s = 0;
      for (let y = cy * 32; y < cy * 32 + 32; y++) for (let x = cx * 32; x < cx * 32 + 32; x++) s += f[c][y * fw + x];
      return s / 1024;
    };
    const c0 = 5;
    const means = [0, 1].flatMap((cy) => [0, 1].map((cx) => cellMean(c0, cx, cy)));
    const mid = (Math.min(...means) + Math.max(...means)) / 2;
    const head = join(tmp, 'fused-classify');
    makeTestHead(head, {
      net: 'pool_linear',
      weights: [[1, c0, 20], [2, c0, -20]],
      bias: [0, -20 * mid, 20 * mid],
      manifest: { ...fusedHeadManifest(MODEL, 'fused-classify-test', [
        { value: 0, name: 'middle', color: '#808080' },
        { value: 1, name: 'high', color: '#ff0000' },
        { value: 2, name: 'low', color: '#0000ff' },
      ]), task: 'classify', outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 3] }] },
    });
    const out = join(tmp, 'classes.tif');
    const r = skysense('run', '--task', 'classify', '--head', head, '--model', MODEL, ...FILES.flatMap((x) => ['--input', x]), '--grid', '32', '--probabilities', '--provider', 'cpu', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(readFileSync(`${out}.report.json`, 'utf8'));
    assert.deepEqual(rep.series.modalities, ['s2']);
    const g = gdalinfo(out);
    assert.deepEqual(g.size, [4, 4]);
    const src = gdalinfo(FILES[0]).geoTransform as number[];
    assert.deepEqual(g.geoTransform, [src[0], src[1] * 32, 0, src[3], 0, src[5] * 32]);
    const cls = gdalWindow(out)[0];
    const prob = gdalWindow(out.replace(/\.tif$/, '.prob.tif'));
    const seen = new Set<number>();
    for (const cy of [0, 1]) {
      for (const cx of [0, 1]) {
        const m = cellMean(c0, cx, cy);
        const z = [0, 20 * (m - mid), -20 * (m - mid)];
        const e = z.map((v) => Math.exp(v - Math.max(...z)));
        const sum = e.reduce((a, b) => a + b, 0);
        const i = cy * 4 + cx;
        e.forEach((v, k) => assert.ok(Math.abs(prob[k][i] - v / sum) < 1e-4, `cell ${cx},${cy} p${k} ${prob[k][i]} vs ${v / sum}`));
        if (Math.abs(m - mid) > 1e-3) {
          assert.equal(cls[i], z.indexOf(Math.max(...z)), `cell ${cx},${cy}`);
          seen.add(cls[i]);
        }
      }
    }
    assert.ok(seen.size >= 2, 'the four cells fall in more than one class');
    // The whole-series answer: the mean of the 16 cells' probabilities.
    rep.scene.probabilities.forEach((p: { p: number }, k: number) => {
      const mean = prob[k].reduce((a, b) => a + b, 0) / prob[k].length;
      assert.ok(Math.abs(p.p - mean) < 1e-5, `scene p${k} ${p.p} vs ${mean}`);
    });
    assert.equal(rep.scene.tiles, 16);
  });

  test('a fused classify head given one raster, and a single-date classify head given a series, are refused by name', async () => {
    const head = join(tmp, 'fused-classify');
    await assert.rejects(runClassify({ head, model: MODEL, inputs: [FILES[0]], out: join(tmp, 'a.tif') }), /is a fused head \(encoder\.modality "fused"\): it reads an S2 and\/or S1 time series/);
    const single = join(REPO_ROOT, 'models/skysense-tiny/heads/bigearthnet-classify');
    await assert.rejects(runClassify({ head: single, s2: FILES, out: join(tmp, 'b.tif') }), /reads one s2 raster \(encoder\.modality "s2"\), not a time series: s2 apply only to fused heads/);
  });
});
