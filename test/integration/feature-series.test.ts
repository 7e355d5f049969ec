/**
 * cluster and similar on a fused time series (feature-run.ts): a real 3-date Sentinel-2
 * L1C series (eo-learn Slovenia, dates from the files' metadata) through the shipped
 * SkySense-Tiny fusion, checked against fused-embed's features of the same series read back
 * by GDAL:
 * - cluster (CLI, several --input): every label is the nearest reported centre of the
 *   standardised fused feature at that pixel; the grid is the series' reference grid;
 * - similar (API, a point in the raster's CRS): 1 at the query's own pixel and the cosine
 *   to that pixel's fused feature everywhere else.
 * Options meaningful only for one raster (--gsd, bands, modality) are refused by name.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCluster } from '../../main/tasks/cluster.ts';
import { runFusedEmbed } from '../../main/tasks/fused-embed.ts';
import { runSimilar } from '../../main/tasks/similar.ts';
import { dataPath, gdalinfo, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';

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
