/**
 * fused-embed against the PyTorch reference (test/helpers/fused-reference.py on
 * models/reference), on real co-located S2 + S1 data, max |diff| <= 1e-4 on every output
 * pixel:
 *
 * - Sen1Floods11 Spain chip, S2 + S1 (one date each, dates from Sen1Floods11_Metadata.geojson),
 *   a 112 x 64 crop = two 64 px tiles, so both the tile split and the per-tile path are checked;
 * - TreeSatAI-TS Betula patch, 5 S2 dates + 3 S1 dates cut out of the date-stacked files with
 *   gdal_translate and named by their ESA product ids: the dates come from the names (checked
 *   against band_dates.csv), the series is given out of order, and the 6 x 6 px raster is one
 *   mirror-padded tile.
 *
 * Weights: the shipped models/skysense-tiny with the pre-training checkpoint its manifest names
 * (found by sha256 under models/pretrain/.cache/runs, not in git); where that checkpoint is
 * absent (CI), or with FUSED_PARITY=random, a random-init tiny export (models/convert.py, seed 0),
 * which the reference rebuilds with the same seeding.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFusedEmbed, type FusedEmbedReport } from '../../main/tasks/embed/fused-embed.ts';
import { planTiles } from '../../main/tiler/index.ts';
import { dataPath, gdalinfo, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { makeTinyModel } from '../helpers/skysense-cli.ts';

const TOL = 1e-4;
const TILE = 64;
const SHIPPED = join(REPO_ROOT, 'models/skysense-tiny');

interface Weights {
  model: string;
  spec: { checkpoint: string } | { random_init: number; config: string };
  label: string;
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The checkpoint the shipped manifest was exported from, if this checkout has it. */
function shippedCheckpoint(): string | null {
  const m = JSON.parse(readFileSync(join(SHIPPED, 'manifest.json'), 'utf8'));
  const want = Array.isArray(m.provenance.checkpoint) ? m.provenance.checkpoint[0].sha256 : null;
  const runs = join(REPO_ROOT, 'models/pretrain/.cache/runs');
  if (!want || !existsSync(runs)) return null;
  for (const r of readdirSync(runs)) {
    const f = join(runs, r, 'skysense_pretrained.pth');
    if (existsSync(f) && sha256(f) === want) return f;
  }
  return null;
}

let tmp = '';
let weights: Weights;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-fused-parity-'));
  const ckpt = process.env.FUSED_PARITY === 'random' ? null : shippedCheckpoint();
  if (ckpt) {
    weights = { model: SHIPPED, spec: { checkpoint: ckpt }, label: `models/skysense-tiny + ${ckpt.replace(`${REPO_ROOT}/`, '')}` };
  } else {
    const model = join(tmp, 'random-tiny');
    makeTinyModel(model, ['hr_encoder', 's2_encoder', 's2_up', 's1_encoder', 's1_up', 'fusion']);
    weights = { model, spec: { random_init: 0, config: 'tiny' }, label: 'random-init tiny (seed 0)' };
  }
});
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Frame {
  modality: 's2' | 's1';
  path: string;
  bands: number[];
  units: string;
  date: string;
}

interface HrFrame {
  path: string;
  bands: number[];
  grid: { geoTransform: number[]; width: number; height: number };
  tile: number;
  stride: number;
}

/** The reference's fused features per window: [window][channel][y][x] flattened. */
function reference(frames: Frame[], windows: [number, number][], name: string, hr?: HrFrame): { data: Float32Array; channels: number } {
  const spec = join(tmp, `${name}.json`);
  const out = join(tmp, `${name}.ref.f32`);
  writeFileSync(spec, JSON.stringify({ weights: weights.spec, manifest: join(weights.model, 'manifest.json'), tile: TILE, windows, frames, out, ...(hr ? { hr } : {}) }));
  const r = spawnSync('/usr/bin/python3', [join(REPO_ROOT, 'test/helpers/fused-reference.py'), spec], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '2', OMP_WAIT_POLICY: 'PASSIVE' },
  });
  assert.equal(r.status, 0, r.stderr);
  const buf = readFileSync(out);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return { data, channels: data.length / (windows.length * TILE * TILE) };
}

/** Manifest band names -> 1-based bands of a file, by gdalinfo's band descriptions. */
function bandsByDescription(file: string, wanted: string[], describe: (name: string) => string): number[] {
  const desc: string[] = gdalinfo(file).bands.map((b: { description?: string }) => b.description ?? '');
  return wanted.map((w) => {
    const i = desc.findIndex((d) => d === describe(w));
    assert.ok(i >= 0, `${file}: no band described ${describe(w)}`);
    return i + 1;
  });
}

/**
 * Compares the output with the reference pixel by pixel; `owner(x, y)` is the window whose
 * tile the tiler keeps that pixel from. Returns the largest |diff| and |reference|.
 */
function compare(out: string, ref: { data: Float32Array; channels: number }, windows: [number, number][], owner: (x: number, y: number) => number) {
  const g = gdalinfo(out);
  const [w, h] = g.size as [number, number];
  const got = gdalWindow(out);
  assert.equal(got.length, ref.channels);
  let maxDiff = 0;
  let maxAbs = 0;
  for (let c = 0; c < ref.channels; c++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const k = owner(x, y);
        const [x0, y0] = windows[k];
        const want = ref.data[((k * ref.channels + c) * TILE + (y - y0)) * TILE + (x - x0)];
        const v = got[c][y * w + x];
        assert.ok(Number.isFinite(v), `channel ${c} pixel ${x},${y} is ${v}`);
        maxDiff = Math.max(maxDiff, Math.abs(v - want));
        maxAbs = Math.max(maxAbs, Math.abs(want));
      }
    }
  }
  return { maxDiff, maxAbs, pixels: w * h };
}

const s2Manifest = () => JSON.parse(readFileSync(join(weights.model, 'manifest.json'), 'utf8')).modalities as { s2: { bands: string[] }; s1: { bands: string[] } };

describe('fused-embed = PyTorch reference: Sen1Floods11 S2 + S1, two tiles', () => {
  let report: FusedEmbedReport;
  let s2 = '';
  let s1 = '';
  let out = '';
  let dates: { s2: string; s1: string };
  before(async () => {
    const meta = JSON.parse(readFileSync(dataPath('s1s2/sen1floods11/Sen1Floods11_Metadata.geojson'), 'utf8'));
    const spain = meta.features.find((f: { properties: { location: string } }) => f.properties.location === 'Spain').properties;
    dates = { s2: spain.s2_date.replaceAll('/', '-'), s1: spain.s1_date.replaceAll('/', '-') };
    s2 = join(tmp, 'Spain_7370579_S2Hand_crop.tif');
    s1 = join(tmp, 'Spain_7370579_S1Hand_crop.tif');
    for (const [src, dst] of [['S2/Spain_7370579_S2Hand.tif', s2], ['S1/Spain_7370579_S1Hand.tif', s1]]) {
      execFileSync('gdal_translate', ['-q', '-srcwin', '200', '224', '112', '64', dataPath(`s1s2/sen1floods11/sample/${src}`), dst]);
    }
    out = join(tmp, 'spain-fused.tif');
    report = await runFusedEmbed({ model: weights.model, s2: [s2], s1: [s1], dates: [dates.s2], s1Dates: [dates.s1], out, providers: 'cpu' });
  });

  test(`every pixel within ${TOL} of PyTorch`, () => {
    const m = s2Manifest();
    const frames: Frame[] = [
      { modality: 's2', path: s2, bands: bandsByDescription(s2, m.s2.bands, (b) => b.replace(/^B0/, 'B')), units: 'DN', date: dates.s2 },
      { modality: 's1', path: s1, bands: bandsByDescription(s1, m.s1.bands, (b) => b), units: 'dB', date: dates.s1 },
    ];
    const plan = planTiles({ width: 112, height: 64, tileWidth: TILE, tileHeight: TILE, overlapX: 16, overlapY: 16, stride: 1 });
    const windows = plan.xs.map((x) => [x, 0] as [number, number]);
    assert.deepEqual(windows, [[0, 0], [48, 0]]);
    const ref = reference(frames, windows, 'spain');
    // Overlap 16 with margin 8: the hard cut sits at x = 48 + 8.
    const r = compare(out, ref, windows, (x) => (x < 56 ? 0 : 1));
    console.log(`  sen1floods11 S2+S1 (${weights.label}): max|diff| ${r.maxDiff.toExponential(2)} over ${r.pixels} px x ${ref.channels} ch (max|ref| ${r.maxAbs.toFixed(3)})`);
    assert.ok(r.maxAbs > 1e-2, 'the reference output is ~0');
    assert.ok(r.maxDiff <= TOL, `max |diff| ${r.maxDiff}`);
  });

  test('the report: dates from the user, S1 without calendar embedding, units per modality', () => {
    const [a, b] = report.inputs;
    assert.deepEqual([a.modality, a.date, a.dateSource, a.doyFed, a.units.input], ['s2', dates.s2, 'user', 261, 'DN']);
    assert.deepEqual([b.modality, b.date, b.dateSource, b.tableIndex, b.doyFed, b.units.input], ['s1', dates.s1, 'user', null, 0, 'dB']);
    assert.deepEqual(report.modalities, ['s2', 's1']);
    assert.deepEqual(report.tiles, { inferred: 2, skipped: 0, total: 2 });
  });
});

describe('fused-embed = PyTorch reference: TreeSatAI 5 S2 + 3 S1 dates named by product id', () => {
  const PATCH = 'Betula_spec._1_15679_WEFL_NLF';
  const rows = () =>
    readFileSync(dataPath('colocated/treesatai_ts/band_dates.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
      .filter((r) => r[0] === PATCH);
  const picked: { modality: 's2' | 's1'; path: string; date: string }[] = [];
  let report: FusedEmbedReport;
  let out = '';
  before(async () => {
    const all = rows();
    const s2rows = all.filter((r) => r[1] === 's2_l2a_10m.tif');
    const s1rows = all.filter((r) => r[1] === 's1_asc_10m.tif');
    for (const [modality, list, idx] of [['s2', s2rows, [0, 36, 72, 108, 145]], ['s1', s1rows, [3, 57, 110]]] as const) {
      for (const i of idx) {
        const [, file, first, last, acq, product] = list[i];
        const path = join(tmp, `${product}.tif`);
        const bands = Array.from({ length: Number(last) - Number(first) + 1 }, (_, k) => ['-b', String(Number(first) + k)]).flat();
        execFileSync('gdal_translate', ['-q', ...bands, dataPath(`colocated/treesatai_ts/${PATCH}/${file}`), path]);
        picked.push({ modality, path, date: `${acq.slice(0, 4)}-${acq.slice(4, 6)}-${acq.slice(6, 8)}` });
      }
    }
    out = join(tmp, 'treesat-fused.tif');
    const given = (m: string) => picked.filter((p) => p.modality === m).map((p) => p.path).reverse();
    report = await runFusedEmbed({ model: weights.model, s2: given('s2'), s1: given('s1'), out, providers: 'cpu' });
  });

  /** The picked dates as the reference reads them, in fusion order (S2, then S1). */
  const pickedFrames = (): Frame[] => {
    const m = s2Manifest();
    return [...picked.filter((p) => p.modality === 's2'), ...picked.filter((p) => p.modality === 's1')].map((p) => ({
      modality: p.modality,
      path: p.path,
      // Band descriptions are "<YYYYMMDD>_<band>".
      bands: bandsByDescription(p.path, m[p.modality].bands, (b) => `${p.date.replaceAll('-', '')}_${b}`),
      units: p.modality === 's2' ? 'DN' : 'linear',
      date: p.date,
    }));
  };

  test('dates come from the product names and equal band_dates.csv; the series is fused in date order', () => {
    for (const p of picked) {
      const i = report.inputs.find((x) => x.path === p.path)!;
      assert.equal(i.date, p.date, p.path);
      assert.equal(i.dateSource, 'name');
      assert.match(i.dateDetail, p.modality === 's2' ? /^Sentinel-2 product name/ : /^Sentinel-1 product name/);
    }
    const order = [...report.inputs].sort((a, b) => a.position - b.position).map((i) => `${i.modality} ${i.date}`);
    const want = [...picked.filter((p) => p.modality === 's2'), ...picked.filter((p) => p.modality === 's1')].map((p) => `${p.modality} ${p.date}`);
    assert.deepEqual(order, want);
    assert.match(report.notes.join('\n'), /S2 inputs were not in date order/);
    assert.ok(report.inputs.filter((i) => i.modality === 's1').every((i) => i.units.input === 'linear'));
  });

  test(`every pixel (one mirror-padded tile) within ${TOL} of PyTorch`, () => {
    const frames = pickedFrames();
    const ref = reference(frames, [[0, 0]], 'treesat');
    const r = compare(out, ref, [[0, 0]], () => 0);
    console.log(`  treesatai 5 S2 + 3 S1 (${weights.label}): max|diff| ${r.maxDiff.toExponential(2)} over ${r.pixels} px x ${ref.channels} ch (max|ref| ${r.maxAbs.toFixed(3)})`);
    assert.ok(r.maxAbs > 1e-2, 'the reference output is ~0');
    assert.ok(r.maxDiff <= TOL, `max |diff| ${r.maxDiff}`);
  });

  test(`+ the 0.2 m aerial image (HR + S2 + S1): every pixel within ${TOL} of PyTorch, on the S2 grid`, async () => {
    const aerial = dataPath(`colocated/treesatai_ts/${PATCH}/aerial_0.2m.tif`);
    const hrOut = join(tmp, 'treesat-fused-hr.tif');
    const given = (mod: string) => picked.filter((p) => p.modality === mod).map((p) => p.path);
    const hrReport = await runFusedEmbed({ model: weights.model, s2: given('s2'), s1: given('s1'), hr: aerial, out: hrOut, providers: 'cpu' });
    assert.deepEqual(hrReport.modalities, ['hr', 's2', 's1']);
    const hr = hrReport.hr!;
    // The S2 grid covers the aerial patch's central 60 m: the whole 6 x 6 S2 grid, 192 x 192 HR pixels of 0.3125 m.
    assert.deepEqual(hr.window, { x: 0, y: 0, width: 6, height: 6 });
    assert.deepEqual([hr.grid.width, hr.grid.height, hr.grid.geoTransform[1], hr.resampling.method], [192, 192, 0.3125, 'average']);
    const s2 = gdalinfo(given('s2')[0]);
    const g = gdalinfo(hrOut);
    assert.deepEqual(g.size, s2.size);
    assert.deepEqual(g.geoTransform, s2.geoTransform);
    const proj4 = (f: string) => execFileSync('gdalsrsinfo', ['-o', 'proj4', f], { encoding: 'utf8' }).trim();
    assert.equal(proj4(hrOut), proj4(given('s2')[0]));
    assert.ok(hrReport.inputs.every((i) => i.position >= 1), 'HR is the first frame');
    const frames = pickedFrames();
    const ref = reference(frames, [[0, 0]], 'treesat-hr', { path: aerial, bands: hr.bands, grid: hr.grid, tile: hr.tile, stride: hr.ratio });
    const r = compare(hrOut, ref, [[0, 0]], () => 0);
    console.log(`  treesatai HR + 5 S2 + 3 S1 (${weights.label}): max|diff| ${r.maxDiff.toExponential(2)} over ${r.pixels} px x ${ref.channels} ch (max|ref| ${r.maxAbs.toFixed(3)})`);
    assert.ok(r.maxAbs > 1e-2, 'the reference output is ~0');
    assert.ok(r.maxDiff <= TOL, `max |diff| ${r.maxDiff}`);
    // HR changes the features: the fusion sees one more frame.
    const without = gdalWindow(out, { bands: [1] })[0];
    const withHr = gdalWindow(hrOut, { bands: [1] })[0];
    assert.ok(without.some((v: number, i: number) => Math.abs(v - withHr[i]) > 1e-3), 'the HR frame changed nothing');
  });
});
