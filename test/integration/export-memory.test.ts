/**
 * The COG export reads row strips and writes tiles as they fill: its memory depends on the
 * width, not the height. A class raster (cluster output of OSCD bercy, stretched with
 * gdal_translate, stripped) 4000 px wide at 4000 and 16000 rows is exported in child
 * processes with a 64 MB V8 heap; the peak RSS may differ by far less than the 4x data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath, gdalinfo, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const COG_VALIDATOR = '/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py';

interface ChildReport {
  out: string;
  overviews: number;
  maxRssMiB: number;
  seconds: number;
}

function exportInChild(raster: string, out: string): ChildReport {
  const stdout = execFileSync(
    process.execPath,
    ['--max-old-space-size=64', '--import', 'tsx', join(REPO_ROOT, 'test/integration/export-memory-child.ts'), raster, out],
    { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildReport;
}

test('COG export memory does not grow with raster height (4000 x 4000 vs 4000 x 16000)', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'skysense-export-mem-'));
  try {
    const small = join(dir, 'k5.tif');
    const r = skysense('run', '--task', 'cluster', '--model', join(REPO_ROOT, 'models/skysense-tiny'), '--input', dataPath('oscd/bercy/imgs_1'), '--k', '5', '--provider', 'cpu', '--out', small);
    assert.equal(r.code, 0, r.stderr);
    const [short, tall] = [4000, 16000].map((h) => {
      const src = join(dir, `classes-${h}.tif`);
      execFileSync('gdal_translate', ['-q', '-outsize', '4000', String(h), '-r', 'nearest', small, src]);
      const out = join(dir, `classes-${h}-cog.tif`);
      return { h, src, out, r: exportInChild(src, out) };
    });
    console.log(
      `COG export 4000 x 4000: ${short.r.seconds.toFixed(1)} s, peak RSS ${short.r.maxRssMiB.toFixed(0)} MiB; ` +
        `4000 x 16000: ${tall.r.seconds.toFixed(1)} s, peak RSS ${tall.r.maxRssMiB.toFixed(0)} MiB (source ${(statSync(tall.src).size / 2 ** 20).toFixed(0)} MiB)`,
    );
    assert.ok(tall.r.maxRssMiB - short.r.maxRssMiB < 40, `peak RSS ${tall.r.maxRssMiB} MiB vs ${short.r.maxRssMiB} MiB`);
    assert.equal(tall.r.overviews, 5);
    assert.equal(gdalinfo(tall.out).bands[0].overviews.length, 5);
    const v = spawnSync('/usr/bin/python3', [COG_VALIDATOR, tall.out], { encoding: 'utf8' });
    assert.equal(v.status, 0, `${v.stdout}${v.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
