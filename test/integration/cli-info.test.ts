/**
 * The `skysense` command as a user runs it (node bin/skysense.mjs ...): `info --json`
 * agrees with gdalinfo, a bad file prints one line and exits 1, usage errors exit 2.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RasterInfo } from '../../main/api.ts';
import { REPO_ROOT, dataPath, gdalEpsg, gdalinfo, gdalOverviews } from '../helpers/gdal.ts';

function skysense(...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/skysense.mjs'), ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-cli-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('skysense info', () => {
  for (const file of ['samples/L7_ETMs.tif', 'samples/meuse.tif', 's1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif']) {
    test(`${file} --json equals gdalinfo`, () => {
      const r = skysense('info', dataPath(file), '--json');
      assert.equal(r.code, 0, r.stderr);
      const info = JSON.parse(r.stdout) as RasterInfo;
      const g = gdalinfo(dataPath(file));
      assert.deepEqual([info.width, info.height], g.size);
      assert.equal(info.bandCount, g.bands.length);
      assert.equal(info.dataType, g.bands[0].type);
      assert.equal(info.crs?.epsg ?? null, gdalEpsg(g));
      assert.ok(info.crs?.wkt.length, 'WKT present');
      info.geoTransform.forEach((v, k) => assert.ok(Math.abs(v - g.geoTransform[k]) <= 1e-9 * Math.max(1, Math.abs(v))));
      assert.deepEqual(info.overviews.map((o) => [o.width, o.height]), gdalOverviews(g));
      assert.deepEqual(info.bandNames, g.bands.map((b: { band: number; description?: string }) => b.description || `Band ${b.band}`));
      // gdalinfo's convention for values JSON cannot hold: NaN nodata as the string "NaN"
      assert.deepEqual(info.nodata, g.bands[0].noDataValue ?? null);
    });
  }

  test('a band folder is one raster', () => {
    const r = skysense('info', '--json', dataPath('oscd/bercy/imgs_1'));
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout) as RasterInfo;
    assert.equal(info.bandCount, 13);
    assert.equal(info.format, 'BandFolder');
  });

  test('text output names the essentials', () => {
    const r = skysense('info', dataPath('samples/L7_ETMs.tif'));
    assert.equal(r.code, 0);
    assert.match(r.stdout, /349 x 352, 6 bands of Byte/);
    assert.match(r.stdout, /EPSG:31985/);
  });

  test('a bad file: one line on stderr naming it, exit 1', () => {
    const f = join(tmp, 'fake.tif');
    writeFileSync(f, 'not an image');
    const r = skysense('info', f, '--json');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0].startsWith(`skysense: ${f}: `), lines[0]);
    const missing = skysense('info', join(tmp, 'missing.tif'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /missing\.tif: no such file/);
  });

  test('usage errors exit 2; --help lists the subcommands', () => {
    assert.equal(skysense('info').code, 2);
    assert.equal(skysense('info', '--bogus', dataPath('samples/elev.tif')).code, 2);
    assert.equal(skysense('frobnicate').code, 2);
    assert.equal(skysense().code, 2);
    const help = skysense('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^\s+info\s/m);
    assert.match(help.stdout, /^\s+serve\s/m);
    assert.equal(skysense('info', '--help').code, 0);
  });
});
