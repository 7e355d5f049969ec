/**
 * HR + S2 + S1 fusion (fused/hr-frame.ts) through the CLI and the task API, shipped
 * SkySense-Tiny, GDAL as the oracle:
 *
 * - TreeSatAI-TS (real co-located data): 0.2 m aerial + 2 S2 dates + 1 S1 date cut from the
 *   date-stacked files. The output lies on the S2 grid (gdalinfo), the HR pass shows on the
 *   progress line, and a fused segment head gives the classes its 1x1 conv gives on the
 *   fused-embed features of the same inputs. An aerial crop covering half of the S2 grid
 *   gives output for that half only, with the origin where the S2 grid has it.
 * - Bad input, refused by name before any output: HR in another CRS, HR of another place,
 *   --hr without a series, --hr twice, --hr for a task that fuses nothing.
 * - Shards: the HR pass of a shard computes only the rows its fused tiles read, and the
 *   shards merged with gdalbuildvrt equal the whole run. TreeSatAI's 6 x 6 px patch has one
 *   tile row, so this uses a 40 x 100 px crop of the eo-learn S2 scene with an "HR" image
 *   made from its own RGB bands by gdalwarp (a simulated image for the mechanics only: its
 *   features mean nothing).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFusedEmbed, type FusedEmbedReport } from '../../main/tasks/embed/fused-embed.ts';
import { runSegment } from '../../main/tasks/segment/segment.ts';
import { dataPath, gdalinfo, gdalTranslate, gdalWarp, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';
import { fusedHeadManifest, makeTestHead } from '../helpers/test-heads.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const NOW = new Date('2026-11-27T12:00:00Z');
const TREESAT = dataPath('colocated/treesatai_ts');
const PATCH = 'Abies_alba_1_1005_WEFL_NLF';
const AERIAL = join(TREESAT, PATCH, 'aerial_0.2m.tif');

let tmp = '';
const s2: string[] = [];
let s1 = '';
let s1Date = '';

const proj4 = (f: string) => execFileSync('gdalsrsinfo', ['-o', 'proj4', f], { encoding: 'utf8' }).trim();
const noOutput = (out: string) => assert.ok(!existsSync(out) && !existsSync(`${out}.report.json`), `${out} was written`);
const report = (out: string): FusedEmbedReport => JSON.parse(readFileSync(`${out}.report.json`, 'utf8'));

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-fused-hr-'));
  const rows = readFileSync(join(TREESAT, 'band_dates.csv'), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',')).filter((r) => r[0] === PATCH);
  const cut = (r: string[], name: string) => {
    const [, file, first, last] = r;
    const bands = Array.from({ length: Number(last) - Number(first) + 1 }, (_, k) => ['-b', String(Number(first) + k)]).flat();
    gdalTranslate(['-q', ...bands, join(TREESAT, PATCH, file), name]);
  };
  // Named by product id: the dates come from the names.
  for (const r of rows.filter((x) => x[1] === 's2_l2a_10m.tif').filter((_, i) => i === 20 || i === 60)) {
    s2.push(join(tmp, `${r[5]}.tif`));
    cut(r, s2[s2.length - 1]);
  }
  const r1 = rows.filter((x) => x[1] === 's1_asc_10m.tif')[10];
  s1 = join(tmp, 's1-asc.tif');
  s1Date = `${r1[4].slice(0, 4)}-${r1[4].slice(4, 6)}-${r1[4].slice(6, 8)}`;
  cut(r1, s1);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('HR + S2 + S1 on TreeSatAI (real co-located data)', () => {
  let out = '';
  before(() => {
    out = join(tmp, 'fused-hr.tif');
  });

  test('CLI embed --hr: the HR pass reports its progress, the output lies on the S2 grid, every pixel fused', () => {
    const r = skysense('run', '--task', 'embed', '--model', MODEL, '--input', s2[0], '--input', s2[1], '--s1', s1, '--s1-dates', s1Date, '--hr', AERIAL, '--out', out, '--provider', 'cpu');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /embed \(HR features\): 100% \(1\/1 tiles/);
    const g = gdalinfo(out);
    const ref = gdalinfo(s2[0]);
    assert.deepEqual(g.size, ref.size);
    assert.deepEqual(g.geoTransform, ref.geoTransform);
    assert.equal(proj4(out), proj4(s2[0]));
    assert.equal(g.bands.length, 128);
    const rep = report(out);
    assert.deepEqual(rep.modalities, ['hr', 's2', 's1']);
    assert.equal(rep.hr!.path, AERIAL);
    assert.deepEqual(rep.hr!.window, { x: 0, y: 0, width: 6, height: 6 });
    assert.equal(rep.hr!.ratio, 32);
    assert.equal(rep.hr!.grid.geoTransform[1], 0.3125);
    assert.equal(rep.hr!.resampling.method, 'average');
    assert.equal(g.metadata[''].SKYSENSE_HR, 'aerial_0.2m.tif');
    const feats = gdalWindow(out);
    assert.ok(feats.every((b) => b.every(Number.isFinite)), 'a pixel is not fused');
  });

  test('a fused segment head with --hr gives its 1x1 conv on the fused features', async () => {
    const feats = gdalWindow(out);
    const head = join(tmp, 'fused-head');
    // Two channels against their medians: a split the scene really has.
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const [c0, c1] = [3, 77];
    const [m0, m1] = [med(feats[c0]), med(feats[c1])];
    makeTestHead(head, {
      net: 'conv1x1',
      weights: [[1, c0, 10], [2, c1, 10]],
      bias: [0, -10 * m0, -10 * m1],
      manifest: fusedHeadManifest(MODEL, 'fused-hr-test', [
        { value: 0, name: 'low', color: '#202020' },
        { value: 1, name: 'first', color: '#ff8000' },
        { value: 2, name: 'second', color: '#0080ff' },
      ]),
    });
    const segOut = join(tmp, 'seg-hr.tif');
    const rep = await runSegment({ head, model: MODEL, s2, s1: [s1], s1Dates: [s1Date], hr: AERIAL, out: segOut, providers: 'cpu', now: NOW });
    assert.equal(rep.task, 'segment');
    assert.deepEqual((rep as { series: { modalities: string[] } }).series.modalities, ['hr', 's2', 's1']);
    const cls = gdalWindow(segOut)[0];
    let checked = 0;
    for (let i = 0; i < cls.length; i++) {
      const z = [0, 10 * (feats[c0][i] - m0), 10 * (feats[c1][i] - m1)];
      const sorted = [...z].sort((a, b) => b - a);
      if (sorted[0] - sorted[1] < 1e-3) continue;
      assert.equal(cls[i], z.indexOf(sorted[0]), `pixel ${i}`);
      checked++;
    }
    assert.ok(checked >= 30, `only ${checked} of 36 pixels away from a tie`);
    assert.deepEqual(gdalinfo(segOut).geoTransform, gdalinfo(s2[0]).geoTransform);
  });

  test('an aerial image covering the west half: output for that half only, on the S2 grid', async () => {
    const half = join(tmp, 'aerial-west.tif');
    // 152 px of 0.2 m = 30.4 m from 0.4 m west of the S2 grid: S2 columns 0..2 fully covered.
    gdalTranslate(['-q', '-srcwin', '0', '0', '152', '304', AERIAL, half]);
    const o = join(tmp, 'fused-west.tif');
    const rep = await runFusedEmbed({ model: MODEL, s2, s1: [s1], s1Dates: [s1Date], hr: half, out: o, providers: 'cpu', now: NOW });
    assert.deepEqual(rep.hr!.window, { x: 0, y: 0, width: 3, height: 6 });
    assert.match(rep.hr!.notes.join('\n'), /covers 3 x 6 of the 6 x 6 reference pixels/);
    const g = gdalinfo(o);
    const ref = gdalinfo(s2[0]);
    assert.deepEqual(g.size, [3, 6]);
    assert.deepEqual(g.geoTransform, ref.geoTransform);
    assert.ok(gdalWindow(o).every((b) => b.every(Number.isFinite)));
  });
});

describe('HR bad input: refused by name, nothing written', () => {
  test('HR in another CRS', async () => {
    const wgs = join(tmp, 'aerial-4326.tif');
    gdalWarp(['-q', '-t_srs', 'EPSG:4326', AERIAL, wgs]);
    const out = join(tmp, 'bad-crs.tif');
    await assert.rejects(runFusedEmbed({ model: MODEL, s2, hr: wgs, out, providers: 'cpu', now: NOW }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'E_BAND_MISMATCH');
      assert.match(e.message, /aerial-4326\.tif: CRS EPSG:4326 differs from .* reproject the HR image/);
      return true;
    });
    noOutput(out);
  });

  test('HR of another place', async () => {
    const other = join(TREESAT, 'Quercus_robur_3_86918_WEFL_NLF', 'aerial_0.2m.tif');
    const out = join(tmp, 'bad-place.tif');
    await assert.rejects(runFusedEmbed({ model: MODEL, s2, hr: other, out, providers: 'cpu', now: NOW }), /Quercus_robur_3_86918_WEFL_NLF\/aerial_0\.2m\.tif: does not cover a whole pixel of .*the same ground/);
    noOutput(out);
  });

  test('--hr without a series, twice, or for a task that fuses nothing', async () => {
    const out = join(tmp, 'bad-args.tif');
    await assert.rejects(runFusedEmbed({ model: MODEL, hr: AERIAL, out, providers: 'cpu', now: NOW }), /--hr .*aerial_0\.2m\.tif is fused with an S2 and\/or S1 series; give at least one/);
    let r = skysense('run', '--task', 'embed', '--model', MODEL, '--input', s2[0], '--hr', AERIAL, '--hr', AERIAL, '--out', out);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--hr is given twice/);
    r = skysense('run', '--task', 'detect', '--head', join(MODEL, 'heads/hr-landcover'), '--input', AERIAL, '--hr', AERIAL, '--out', join(tmp, 'boxes.gpkg'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--hr/);
    noOutput(out);
  });
});

describe('HR + S2 shards (simulated HR, mechanics only)', () => {
  let s2crop = '';
  let hr = '';
  before(() => {
    const dir = dataPath('more/eolearn_testeopatch_slovenia');
    const file = readdirSync(dir).filter((f) => f.startsWith('S2L1C_')).sort()[0];
    s2crop = join(tmp, file);
    gdalTranslate(['-q', '-srcwin', '0', '0', '40', '100', join(dir, file), s2crop]);
    // B04, B03, B02 of the crop as 8-bit RGB, then 32 x finer by bilinear.
    const rgb = join(tmp, 'rgb.tif');
    gdalTranslate(['-q', '-b', '4', '-b', '3', '-b', '2', '-ot', 'Byte', '-scale', '0', '0.25', '0', '255', s2crop, rgb]);
    hr = join(tmp, 'simulated-hr.tif');
    const gt = gdalinfo(s2crop).geoTransform as number[];
    gdalWarp(['-q', '-r', 'bilinear', '-tr', String(gt[1] / 32), String(-gt[5] / 32), rgb, hr]);
  });

  test('SIGINT during the HR pass: exit 130, nothing left in the output folder (no HR feature file either)', async () => {
    const outDir = join(tmp, 'cancel');
    mkdirSync(outDir);
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/skysense.mjs'), 'run', '--task', 'embed', '--model', MODEL, '--input', s2crop, '--hr', hr, '--provider', 'cpu', '--out', join(outDir, 'f.tif')], { cwd: REPO_ROOT });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sent && /embed \(HR features\): \d+%/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    assert.ok(sent, `no HR progress line: ${stderr}`);
    assert.equal(code, 130, stderr);
    assert.match(stderr, /run cancelled; no output written/);
    assert.deepEqual(readdirSync(outDir), [], 'the output folder must be empty');
  });

  test('shards 1/2 and 2/2 run only their HR rows and merge (gdalbuildvrt) into the whole run', async () => {
    const whole = join(tmp, 'whole.tif');
    const full = await runFusedEmbed({ model: MODEL, s2: [s2crop], hr, out: whole, providers: 'cpu', now: NOW, tile: 32, overlap: 8 });
    assert.deepEqual(full.hr!.rows, [0, 100]);
    const parts: string[] = [];
    const hrTiles: number[] = [];
    for (const shard of ['1/2', '2/2']) {
      const o = join(tmp, `shard-${shard.replace('/', 'of')}.tif`);
      const rep = await runFusedEmbed({ model: MODEL, s2: [s2crop], hr, out: o, providers: 'cpu', now: NOW, tile: 32, overlap: 8, shard });
      assert.ok(rep.hr!.rows[1] - rep.hr!.rows[0] < 100, `shard ${shard} computed HR rows ${rep.hr!.rows}`);
      hrTiles.push(rep.hr!.tiles.total);
      parts.push(o);
    }
    assert.ok(hrTiles.every((n) => n < full.hr!.tiles.total), `HR tiles per shard ${hrTiles} vs ${full.hr!.tiles.total}`);
    const vrt = join(tmp, 'merged.vrt');
    execFileSync('gdalbuildvrt', ['-q', vrt, ...parts]);
    assert.deepEqual(gdalinfo(vrt).size, gdalinfo(whole).size);
    const a = gdalWindow(vrt);
    const b = gdalWindow(whole);
    let max = 0;
    for (let c = 0; c < a.length; c++) for (let i = 0; i < a[c].length; i++) max = Math.max(max, Math.abs(a[c][i] - b[c][i]));
    console.log(`  HR + S2 shards merged vs whole: max |diff| ${max.toExponential(2)} over ${a[0].length} px x ${a.length} ch; HR tiles ${hrTiles.join(' + ')} vs ${full.hr!.tiles.total}`);
    assert.ok(max <= 1e-5, `max |diff| ${max}`);
  });
});
