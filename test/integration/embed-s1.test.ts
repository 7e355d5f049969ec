/**
 * embed on a real Sentinel-1 scene (Sen1Floods11, VV/VH in dB): the units are detected
 * from the values, and the same scene stored as linear power (made here with GDAL's
 * Python bindings) is converted to dB, so both give the same features.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTinyModel, skysense } from '../helpers/skysense-cli.ts';
import { dataPath, gdalWindow } from '../helpers/gdal.ts';

const SCENE = dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');

let tmp = '';
let model = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-embed-s1-'));
  model = join(tmp, 'model');
  makeTinyModel(model, ['s1_encoder']);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const LINEAR = `
import sys
from osgeo import gdal
import numpy as np
src = gdal.Open(sys.argv[1])
dst = gdal.GetDriverByName('GTiff').CreateCopy(sys.argv[2], src)
for b in range(1, src.RasterCount + 1):
    a = src.GetRasterBand(b).ReadAsArray().astype(np.float64)
    dst.GetRasterBand(b).WriteArray((10.0 ** (a / 10.0)).astype(np.float32))
dst = None
`;

test('dB and linear-power S1 give the same features, each detected and stated', () => {
  const linear = join(tmp, 'S1-linear-power.tif');
  const py = spawnSync('/usr/bin/python3', ['-c', LINEAR, SCENE, linear], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const outs: Record<string, string> = {};
  for (const [name, input] of [['db', SCENE], ['linear', linear]]) {
    const out = join(tmp, `${name}.tif`);
    const r = skysense('run', '--task', 'embed', '--model', model, '--input', input, '--out', out, '--provider', 'cpu');
    assert.equal(r.code, 0, r.stderr);
    outs[name] = out;
  }
  const rdb = JSON.parse(readFileSync(`${outs.db}.report.json`, 'utf8'));
  const rlin = JSON.parse(readFileSync(`${outs.linear}.report.json`, 'utf8'));
  assert.equal(rdb.input.modality, 's1');
  assert.deepEqual(rdb.input.bandNames, ['VV', 'VH']);
  assert.equal(rdb.input.units.input, 'dB');
  assert.equal(rlin.input.units.input, 'linear');
  assert.match(rlin.input.units.reason, /converted to dB/);
  const a = gdalWindow(outs.db, { bands: [1, 64] });
  const b = gdalWindow(outs.linear, { bands: [1, 64] });
  let compared = 0;
  for (let k = 0; k < a.length; k++) {
    for (let i = 0; i < a[k].length; i++) {
      assert.equal(Number.isNaN(a[k][i]), Number.isNaN(b[k][i]), `nodata differs at ${i}`);
      if (Number.isNaN(a[k][i])) continue;
      assert.ok(Math.abs(a[k][i] - b[k][i]) <= 1e-3, `band ${k} pixel ${i}: ${a[k][i]} vs ${b[k][i]}`);
      compared++;
    }
  }
  assert.ok(compared > 1000);
});
