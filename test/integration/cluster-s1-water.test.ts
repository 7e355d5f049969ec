/**
 * Label-free clusters carry meaning: `cluster` with k = 2 on a real Sentinel-1 scene
 * (Sen1Floods11 Spain_7370579, VV/VH dB, a 256 px crop with ~31% flood water) against
 * the hand-drawn water label, which the clustering never sees. Open water is dark and
 * smooth in SAR, so one cluster should follow it.
 *
 * Measured here with the shipped skysense-tiny: agreement 0.852 (best of the two ways to
 * name the clusters; always answering "dry" scores 0.69), Cohen's kappa 0.65. The bounds
 * leave room for a re-trained model without letting a chance-level clustering pass.
 * Also on this crop: a NaN hole in the input comes out as nodata (255) on exactly the
 * embedding cells it covers whole.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCluster } from '../../main/tasks/cluster/cluster.ts';
import { dataPath, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';

const S1 = dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');
const LABEL = dataPath('s1s2/sen1floods11/sample/Labels/Spain_7370579_LabelHand.tif');
const WIN = ['128', '0', '256', '256'];

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-cluster-s1-'));
  gdalTranslate(['-srcwin', ...WIN, S1, join(tmp, 's1.tif')]);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('k = 2 on Sentinel-1 separates the hand-labelled water far better than chance', async () => {
  const out = join(tmp, 'clusters.tif');
  const report = await runCluster({ model: join(REPO_ROOT, 'models/skysense-tiny'), inputs: [join(tmp, 's1.tif')], out, providers: 'cpu', k: 2 });
  assert.ok('input' in report, 'a single-raster report');
  assert.equal(report.input.modality, 's1');
  const stride = report.stride;
  const labels = gdalWindow(out)[0];
  // The label on the same 4 x 4 cells: water where at least half the cell is water; cells with any unlabelled (-1) pixel are left out.
  const hand = gdalWindow(LABEL, { srcwin: WIN.map(Number) as [number, number, number, number] })[0];
  const size = Number(WIN[2]);
  const ow = size / stride;
  let n = 0;
  let water = 0;
  const pairs = [[0, 0], [0, 0]]; // [cluster 1|2][dry|water]
  for (let r = 0; r < ow; r++) {
    for (let c = 0; c < ow; c++) {
      let wet = 0;
      let unlabelled = false;
      for (let j = 0; j < stride; j++) {
        for (let i = 0; i < stride; i++) {
          const v = hand[(r * stride + j) * size + c * stride + i];
          if (v < 0) unlabelled = true;
          if (v === 1) wet++;
        }
      }
      if (unlabelled) continue;
      const isWater = wet * 2 >= stride * stride ? 1 : 0;
      const label = labels[r * ow + c];
      assert.ok(label === 1 || label === 2, `label ${label}`);
      pairs[label - 1][isWater]++;
      water += isWater;
      n++;
    }
  }
  assert.ok(n > 3500, `${n} labelled cells`);
  // Either cluster may be the water one.
  const agree = Math.max(pairs[0][1] + pairs[1][0], pairs[0][0] + pairs[1][1]) / n;
  const pw = water / n;
  const pc = (pairs[0][1] + pairs[0][0]) / n;
  const sameWay = pairs[0][1] + pairs[1][0] >= pairs[0][0] + pairs[1][1];
  const pWaterCluster = sameWay ? pc : 1 - pc;
  const chance = pWaterCluster * pw + (1 - pWaterCluster) * (1 - pw);
  const kappa = (agree - chance) / (1 - chance);
  console.log(`water ${pw.toFixed(3)}, agreement ${agree.toFixed(3)}, chance ${chance.toFixed(3)}, kappa ${kappa.toFixed(3)}`);
  assert.ok(agree >= 0.8, `agreement ${agree}`);
  assert.ok(agree > Math.max(pw, 1 - pw) + 0.1, `agreement ${agree} vs always-one-class ${Math.max(pw, 1 - pw)}`);
  assert.ok(kappa >= 0.5, `kappa ${kappa}`);
});

test('input nodata becomes 255 on whole embedding cells, counted in the report', async () => {
  const holed = join(tmp, 's1-hole.tif');
  // NaN over input rows 0..31 and columns 0..29: output cells 0..7 x 0..6 all nodata, column 7 half.
  const py = `
import sys
from osgeo import gdal
import numpy as np
ds = gdal.GetDriverByName('GTiff').CreateCopy(sys.argv[2], gdal.Open(sys.argv[1]))
for b in (1, 2):
    band = ds.GetRasterBand(b)
    a = band.ReadAsArray()
    a[:32, :30] = np.nan
    band.WriteArray(a)
ds = None
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py, join(tmp, 's1.tif'), holed], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = join(tmp, 'clusters-hole.tif');
  const report = await runCluster({ model: join(REPO_ROOT, 'models/skysense-tiny'), inputs: [holed], out, providers: 'cpu', k: 3 });
  const labels = gdalWindow(out)[0];
  const ow = 256 / report.stride;
  for (let r0 = 0; r0 < ow; r0++) {
    for (let c = 0; c < ow; c++) {
      const v = labels[r0 * ow + c];
      if (r0 < 8 && c < 7) assert.equal(v, 255, `cell ${c},${r0}`);
      else assert.ok(v >= 1 && v <= 3, `cell ${c},${r0}: ${v}`);
    }
  }
  assert.equal(report.nodataPixels, 8 * 7);
  assert.equal(report.sample.pixels, ow * ow - 56);
  assert.equal(report.clusters.reduce((a, c) => a + c.pixels, 0), ow * ow - 56);
  assert.deepEqual(readdirSync(tmp).filter((n) => n.includes('.tmp')), []);
});
