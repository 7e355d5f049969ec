/**
 * HR rasters read at the model's GSD (preprocess/model-gsd.ts, resampled-raster.ts), on
 * real georeferenced HR imagery, with GDAL as the oracle:
 *  - the resampled view equals `gdalwarp -tr 0.3 0.3 -r average` (TreeSatAI 0.2 m aerial,
 *    a 2 cm drone photo) and `-r bilinear` (SpaceNet 0.5 m pan, upsampled) pixel for pixel,
 *    the latter through a mask made here from the image itself (nodata carried through);
 *  - which rasters are resampled and which stay native, and why (PNG without georeferencing,
 *    a geographic CRS, the 25 % tolerance, Sentinel defaults);
 *  - embed and segment with the shipped SkySense-Tiny write on the processing grid, whose
 *    geotransform (report and file) is gdalwarp's; `--gsd native` keeps the input's pixels.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRaster, type Raster } from '../../main/raster/index.ts';
import { runEmbed } from '../../main/tasks/embed/embed.ts';
import { decideGsd } from '../../main/inputs/model-gsd.ts';
import { prepareInput } from '../../main/inputs/prepare-input.ts';
import { alignedGrid, processingGrid, resampledRaster } from '../../main/inputs/resampled-raster.ts';
import { dataPath, gdalinfo, gdalTranslate, gdalWarp, gdalWindow, REPO_ROOT, type GdalInfo } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const AERIAL = dataPath('colocated/treesatai_ts/Abies_alba_1_1005_WEFL_NLF/aerial_0.2m.tif');
const DRONE = dataPath('deepness/test_input/dummy_fotomap_small.tif');
const PAN = dataPath('hr/spacenet_atlanta_solaris/sample_geotiff.tif');
const ADELAIDE = dataPath('hr/openearthmap/adelaide_2.tif');
const LOVEDA_DIR = dataPath('hr/loveda/img_dir');
const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const LANDCOVER = join(MODEL, 'heads/hr-landcover');

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-gsd-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** gdalwarp onto the same origin and extent at `res`, Float32, NaN nodata. */
function warp(src: string, res: number, method: string, name: string): { path: string; info: GdalInfo; bands: number[][] } {
  const g = gdalinfo(src);
  const gt = g.geoTransform as number[];
  const [w, h] = g.size as [number, number];
  const te = [gt[0], gt[3] + gt[5] * h, gt[0] + gt[1] * w, gt[3]];
  const path = join(tmp, `${name}.tif`);
  gdalWarp(['-overwrite', '-r', method, '-tr', String(res), String(res), '-te', ...te.map(String), '-ot', 'Float32', '-dstnodata', 'nan', src, path]);
  return { path, info: gdalinfo(path), bands: gdalWindow(path) };
}

async function readAll(r: Raster): Promise<Float32Array[]> {
  return (await r.readWindow({ x: 0, y: 0, width: r.info.width, height: r.info.height })) as Float32Array[];
}

/** Largest |ours - gdal| where both have data, and the pixels where only one has. */
function compare(ours: ArrayLike<number>[], ref: number[][]): { maxDiff: number; nodataDisagree: number; nodata: number } {
  let maxDiff = 0;
  let nodataDisagree = 0;
  let nodata = 0;
  ref.forEach((band, b) => {
    for (let i = 0; i < band.length; i++) {
      const a = ours[b][i];
      const r = band[i];
      if (Number.isNaN(a) !== Number.isNaN(r)) nodataDisagree++;
      else if (Number.isNaN(a)) nodata++;
      else maxDiff = Math.max(maxDiff, Math.abs(a - r));
    }
  });
  return { maxDiff, nodataDisagree, nodata };
}

describe('a grid aligned to another raster (the HR grid of a fused run) against gdalwarp -te -tr', () => {
  // Origins that fall between source pixels, as an HR image's and the Sentinel grid's do.
  for (const [name, file, method, origin, res, size] of [
    ['TreeSatAI aerial 0.2 m -> 0.3125 m from the S2 grid corner', AERIAL, 'average', [565643.0, 5770980.0], 0.3125, [192, 192]],
    ['SpaceNet pan 0.5 m -> 0.3125 m from an origin 0.37 px inside', PAN, 'bilinear', null, 0.3125, [600, 500]],
  ] as const) {
    test(`${name}: every pixel as gdalwarp -r ${method}`, async () => {
      const r = await openRaster([file]);
      try {
        const gt = r.info.geoTransform;
        const [ox, oy] = origin ?? [gt[0] + 0.37 * gt[1], gt[3] + 1.61 * gt[5]];
        const target: [number, number, number, number, number, number] = [ox, res, 0, oy, 0, -res];
        const grid = alignedGrid(r.info, target, size[0], size[1]);
        const path = join(tmp, `aligned-${method}.tif`);
        const te = [ox, oy - res * size[1], ox + res * size[0], oy];
        gdalWarp(['-overwrite', '-r', method, '-tr', String(res), String(res), '-te', ...te.map(String), '-ot', 'Float32', '-dstnodata', 'nan', file, path]);
        const ref = gdalWindow(path);
        const view = resampledRaster(r, grid, method);
        const c = compare(await readAll(view), ref);
        assert.equal(c.nodataDisagree, 0);
        assert.ok(c.maxDiff < 1e-3, `max difference ${c.maxDiff}`);
        const win = await view.readWindow({ x: 41, y: 17, width: 64, height: 48 }, { bands: [1] });
        let d = 0;
        for (let y = 0; y < 48; y++) for (let x = 0; x < 64; x++) d = Math.max(d, Math.abs(win[0][y * 64 + x] - ref[0][(y + 17) * size[0] + x + 41]));
        assert.ok(d < 1e-3, `window difference ${d}`);
      } finally {
        await r.close();
      }
    });
  }
});

describe('the resampled view against gdalwarp', () => {
  for (const [name, file, factor] of [['TreeSatAI aerial 0.2 m', AERIAL, 1.5], ['drone photo 0.02 m', DRONE, 15]] as const) {
    test(`${name} -> 0.3 m by area average: every pixel of every band as gdalwarp -r average`, async () => {
      const r = await openRaster([file]);
      try {
        const { decision, grid } = decideGsd(r.info, 'hr', 0.3);
        assert.equal(decision.resampled, true);
        assert.equal(decision.method, 'average');
        assert.ok(Math.abs(decision.factor[0] - factor) < 1e-3, `factor ${decision.factor[0]}`);
        const ref = warp(file, 0.3, 'average', `avg-${factor}`);
        assert.deepEqual([grid.width, grid.height], ref.info.size);
        grid.geoTransform.forEach((v, k) => assert.ok(Math.abs(v - ref.info.geoTransform[k]) < 1e-9, `geoTransform[${k}] ${v} vs ${ref.info.geoTransform[k]}`));
        const view = resampledRaster(r, grid, 'average');
        assert.equal(view.info.dataType, 'Float32');
        const c = compare(await readAll(view), ref.bands);
        assert.equal(c.nodataDisagree, 0);
        assert.ok(c.maxDiff < 1e-3, `max difference ${c.maxDiff}`);
        // A tile-sized window inside reads the same values as the whole grid.
        const win = await view.readWindow({ x: 7, y: 3, width: 33, height: 21 }, { bands: [2] });
        const W = grid.width;
        let d = 0;
        for (let y = 0; y < 21; y++) for (let x = 0; x < 33; x++) d = Math.max(d, Math.abs(win[0][y * 33 + x] - ref.bands[1][(y + 3) * W + x + 7]));
        assert.ok(d < 1e-3, `window difference ${d}`);
      } finally {
        await r.close();
      }
    });
  }

  test('SpaceNet pan 0.5 m -> 0.3 m by bilinear, masked where the image is bright (mask made here): as gdalwarp -r bilinear with that nodata', async () => {
    const mask = join(tmp, 'bright.tif');
    execFileSync('gdal_calc.py', ['--quiet', '-A', PAN, '--outfile', mask, '--calc', 'A>600', '--type', 'Byte'], { stdio: 'pipe' });
    const holed = join(tmp, 'pan-holed.tif');
    execFileSync('gdal_calc.py', ['--quiet', '-A', PAN, '-B', mask, '--outfile', holed, '--calc', 'A*(B==0)', '--type', 'UInt16', '--NoDataValue', '0'], { stdio: 'pipe' });
    const ref = warp(holed, 0.3, 'bilinear', 'bilinear');
    const r = await openRaster([PAN]);
    const { raster, preparation } = await prepareInput(r, { modality: 'hr', modelGsdM: 0.3, mask: { path: mask } });
    try {
      assert.equal(preparation.gsd.method, 'bilinear');
      assert.deepEqual([preparation.grid.width, preparation.grid.height], ref.info.size);
      assert.ok(preparation.mask!.pixels > 0.1 * preparation.mask!.of, `masked ${preparation.mask!.fraction}`);
      const c = compare(await readAll(raster), ref.bands);
      assert.equal(c.nodataDisagree, 0);
      assert.ok(c.nodata > 0.1 * ref.bands[0].length, `${c.nodata} nodata pixels`);
      assert.ok(c.maxDiff < 1e-2, `max difference ${c.maxDiff}`);
    } finally {
      await raster.close();
    }
  });
});

describe('which rasters are resampled, and why', () => {
  test('georeferenced metric HR is resampled outside the 25 % tolerance only (TreeSatAI 0.2 m against model GSDs)', async () => {
    const r = await openRaster([AERIAL]);
    try {
      assert.equal(decideGsd(r.info, 'hr', 0.25).decision.resampled, false, '0.2 m is within 25 % of 0.25 m');
      assert.match(decideGsd(r.info, 'hr', 0.25).decision.note, /within 25 %/);
      assert.equal(decideGsd(r.info, 'hr', 0.161).decision.resampled, false, '0.2 m is 1.24 x 0.161 m');
      assert.equal(decideGsd(r.info, 'hr', 0.26).decision.method, 'average');
      assert.equal(decideGsd(r.info, 'hr', 0.15).decision.method, 'bilinear');
      const native = decideGsd(r.info, 'hr', 0.3, 'native').decision;
      assert.equal(native.resampled, false);
      assert.match(native.note, /gsd native.*not the model's 0\.3 m/);
      // Sentinel modalities stay native unless asked.
      assert.equal(decideGsd(r.info, 's2', 0.3).decision.resampled, false);
      assert.equal(decideGsd(r.info, 's2', 0.3, 'model').decision.resampled, true);
    } finally {
      await r.close();
    }
  });

  test('a PNG without georeferencing and an EPSG:4326 GeoTIFF stay native, and the note says why', async () => {
    const png = join(LOVEDA_DIR, execFileSync('ls', [LOVEDA_DIR], { encoding: 'utf8' }).split('\n')[0]);
    const p = await openRaster([png]);
    const g = await openRaster([ADELAIDE]);
    try {
      const dp = decideGsd(p.info, 'hr', 0.3).decision;
      assert.equal(dp.resampled, false);
      assert.equal(dp.nativeGsdM, null);
      assert.match(dp.note, /no georeferencing/);
      const dg = decideGsd(g.info, 'hr', 0.3).decision;
      assert.equal(dg.resampled, false);
      // About 4.5e-6 degrees: ~0.42 m east-west at 34.4 S, ~0.51 m north-south.
      assert.match(dg.note, /geographic CRS \(EPSG:4326, degrees\), about 0\.41\d? x 0\.50\d? m/);
      assert.match(dg.note, /gdalwarp -t_srs/);
    } finally {
      await p.close();
      await g.close();
    }
  });

  test('processingGrid keeps the Deepness behaviour (nearest, error without georeferencing)', async () => {
    const r = await openRaster([DRONE]);
    try {
      const grid = processingGrid(r.info, 3);
      const ref = warp(DRONE, 0.03, 'near', 'near');
      const c = compare(await readAll(resampledRaster(r, grid)), ref.bands);
      assert.equal(c.maxDiff, 0);
    } finally {
      await r.close();
    }
  });
});

describe('tasks on the processing grid (shipped SkySense-Tiny)', { skip: existsSync(join(MODEL, 'hr_encoder.onnx')) ? false : `no ${MODEL}/hr_encoder.onnx` }, () => {
  test('embed: features of the 0.3 m grid, stride 32; the report gives gdalwarp\'s grid; --gsd native keeps 0.2 m', async () => {
    const ref = warp(AERIAL, 0.3, 'average', 'grid-ref');
    const out = join(tmp, 'embed.tif');
    const report = await runEmbed({ model: MODEL, inputs: [AERIAL], out, providers: 'cpu' });
    const p = report.input.preparation;
    assert.equal(p.gsd.resampled, true);
    assert.equal(p.gsd.modeFrom, 'default');
    assert.deepEqual([p.grid.width, p.grid.height], ref.info.size);
    p.grid.geoTransform.forEach((v, k) => assert.ok(Math.abs(v - ref.info.geoTransform[k]) < 1e-9));
    assert.deepEqual([report.input.width, report.input.height], [304, 304]);
    const g = gdalinfo(out);
    assert.deepEqual(g.size, [Math.ceil(203 / 32), Math.ceil(203 / 32)]);
    const want = [ref.info.geoTransform[0], 9.6, 0, ref.info.geoTransform[3], 0, -9.6];
    (g.geoTransform as number[]).forEach((v, k) => assert.ok(Math.abs(v - want[k]) < 1e-9, `geoTransform[${k}] ${v} vs ${want[k]}`));
    assert.match(report.outputs[0].geoTransformNote, /processing grid/);

    const nat = join(tmp, 'embed-native.tif');
    const r2 = await runEmbed({ model: MODEL, inputs: [AERIAL], out: nat, providers: 'cpu', gsd: 'native' });
    assert.equal(r2.input.preparation.gsd.resampled, false);
    const g2 = gdalinfo(nat);
    assert.deepEqual(g2.size, [10, 10]);
    assert.ok(Math.abs(g2.geoTransform[1] - 6.4) < 1e-6);
  });

  test('embed on an EPSG:4326 HR crop runs natively and says so', async () => {
    const crop = join(tmp, 'adelaide-crop.tif');
    gdalTranslate(['-srcwin', '0', '0', '288', '288', ADELAIDE, crop]);
    const out = join(tmp, 'adelaide.tif');
    const report = await runEmbed({ model: MODEL, inputs: [crop], out, providers: 'cpu', tile: 288 });
    assert.equal(report.input.preparation.gsd.resampled, false);
    assert.match(report.input.preparation.gsd.note, /geographic CRS/);
    const saved = JSON.parse(readFileSync(`${out}.report.json`, 'utf8'));
    assert.equal(saved.input.preparation.gsd.note, report.input.preparation.gsd.note);
    assert.deepEqual(gdalinfo(out).size, [9, 9]);
  });

  test('segment (stock hr-landcover head, CLI): the class raster lies on the 0.3 m grid, stated in the report', { skip: existsSync(join(LANDCOVER, 'manifest.json')) ? false : `no ${LANDCOVER}` }, () => {
    const ref = warp(AERIAL, 0.3, 'average', 'seg-ref');
    const out = join(tmp, 'landcover.tif');
    const r = skysense('run', '--task', 'segment', '--head', LANDCOVER, '--input', AERIAL, '--out', out, '--provider', 'cpu', '--gsd', 'model');
    assert.equal(r.code, 0, r.stderr);
    const g = gdalinfo(out);
    assert.deepEqual(g.size, ref.info.size);
    (g.geoTransform as number[]).forEach((v, k) => assert.ok(Math.abs(v - ref.info.geoTransform[k]) < 1e-9));
    const report = JSON.parse(readFileSync(`${out}.report.json`, 'utf8'));
    assert.deepEqual(report.inputs[0].preparation.grid.geoTransform, g.geoTransform);
    assert.match(report.outputs[0].geoTransformNote, /processing grid.*0\.3 m per pixel/);
    const bad = skysense('run', '--task', 'segment', '--head', LANDCOVER, '--input', AERIAL, '--out', join(tmp, 'no.tif'), '--gsd', 'coarse');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--gsd must be model or native/);
  });
});
