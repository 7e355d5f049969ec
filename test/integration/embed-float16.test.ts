/**
 * Half-float feature output (`--dtype float16` / dataType 'float16') against the Float32
 * output of the same run, with the shipped SkySense-Tiny on a real OSCD Sentinel-2 band
 * folder (bercy), masked on its left 40 columns so the features hold NaN nodata. GDAL 3.6 is
 * the oracle: it reads half floats as Float32 (NBITS=16 in IMAGE_STRUCTURE); the TIFF tags
 * themselves (BitsPerSample 16, SampleFormat 3, predictor 3, DEFLATE) are parsed by hand.
 *  - same grid (size, geotransform, CRS) and band names;
 *  - every value as GDAL reads it is numpy's round-to-nearest-even half of the Float32
 *    run's value (within half precision: |d| <= |v| 2^-11 + 2^-25), NaN exactly where
 *    the Float32 output has NaN; gdalinfo -stats and gdal_translate -ot Float32 read it;
 *  - our own reader opens the half file as Float32 and reads GDAL's values bit for bit;
 *  - the report and the CLI say Float16; --dtype on another task, or a bad value, is a
 *    usage error naming the flag; fused-embed takes the same option (a 64 px crop).
 * The file size ratio is printed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRaster } from '../../main/raster/index.ts';
import { runEmbed, type EmbedReport } from '../../main/tasks/embed/embed.ts';
import { runFusedEmbed } from '../../main/tasks/embed/fused-embed.ts';
import { dataPath, gdalinfo, gdalPixel, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { firstIfdTags, TAG } from '../helpers/tiff-tags.ts';
import { numpyHalfBits } from '../helpers/numpy-half.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const SCENE = dataPath('oscd/bercy/imgs_1');
const SCENE_2 = dataPath('oscd/bercy/imgs_2');
const MASKED_COLS = 40;
const STRIDE = 4;

/** Half precision: round to nearest gives at most half an ulp, 2^-11 relative; 2^-25 absolute below the normal range. */
const withinHalf = (want: number, got: number) => Math.abs(want - got) <= Math.abs(want) * 2 ** -11 + 2 ** -25;

let tmp = '';
let mask = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-f16-'));
  mask = join(tmp, 'mask.tif');
  // One Byte band on the scene's grid: 1 (invalid) on the left MASKED_COLS columns.
  execFileSync('/usr/bin/python3', ['-c', [
    'from osgeo import gdal',
    'import numpy as np, sys',
    's = gdal.Open(sys.argv[1])',
    'd = gdal.GetDriverByName("GTiff").Create(sys.argv[2], s.RasterXSize, s.RasterYSize, 1, gdal.GDT_Byte)',
    'd.SetGeoTransform(s.GetGeoTransform()); d.SetProjection(s.GetProjection())',
    'a = np.zeros((s.RasterYSize, s.RasterXSize), np.uint8); a[:, :int(sys.argv[3])] = 1',
    'd.GetRasterBand(1).WriteArray(a); d = None',
  ].join('\n'), join(SCENE, 'B02.tif'), mask, String(MASKED_COLS)]);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('embed --dtype float16 (shipped SkySense-Tiny, OSCD bercy S2, masked)', { skip: existsSync(join(MODEL, 's2_encoder.onnx')) ? false : `no ${MODEL}` }, () => {
  let f32 = '';
  let f16 = '';
  let r32: EmbedReport;
  let r16: EmbedReport;
  let w32: number[][] = [];
  let w16: number[][] = [];
  before(async () => {
    f32 = join(tmp, 'features-f32.tif');
    f16 = join(tmp, 'features-f16.tif');
    r32 = await runEmbed({ model: MODEL, inputs: [SCENE], out: f32, providers: 'cpu', mask: { path: mask } });
    r16 = await runEmbed({ model: MODEL, inputs: [SCENE], out: f16, providers: 'cpu', mask: { path: mask }, dataType: 'float16' });
    w32 = gdalWindow(f32);
    w16 = gdalWindow(f16);
    const a = statSync(f32).size;
    const b = statSync(f16).size;
    console.log(`embed bercy 128 bands: float32 ${a} B, float16 ${b} B, ratio ${(b / a).toFixed(3)}`);
  });

  test('the reports say Float32 / Float16; the file is about half the size', () => {
    assert.equal(r32.outputs[0].dataType, 'Float32');
    assert.equal(r16.outputs[0].dataType, 'Float16');
    assert.equal(JSON.parse(readFileSync(`${f16}.report.json`, 'utf8')).outputs[0].dataType, 'Float16');
    const ratio = statSync(f16).size / statSync(f32).size;
    assert.ok(ratio > 0.3 && ratio < 0.6, `size ratio ${ratio}`);
  });

  test('same grid, bands and nodata as the Float32 output (gdalinfo); GDAL 3.6 reads it as Float32 with NBITS=16', () => {
    const a = gdalinfo(f32);
    const b = gdalinfo(f16);
    assert.deepEqual(b.size, a.size);
    assert.deepEqual(b.geoTransform, a.geoTransform);
    assert.equal(b.coordinateSystem.wkt, a.coordinateSystem.wkt);
    assert.equal(b.bands.length, 128);
    assert.deepEqual(b.bands.map((x: { description: string }) => x.description), a.bands.map((x: { description: string }) => x.description));
    assert.equal(b.bands[0].type, 'Float32');
    assert.equal(b.bands[0].noDataValue, 'NaN');
    assert.equal(b.bands[0].metadata?.IMAGE_STRUCTURE?.NBITS, '16');
    assert.equal(a.bands[0].metadata?.IMAGE_STRUCTURE?.NBITS, undefined);
    assert.equal(b.metadata.IMAGE_STRUCTURE.PREDICTOR, '3');
  });

  test('the TIFF tags: BitsPerSample 16, SampleFormat 3 (IEEE float), floating-point predictor, DEFLATE, 256 px tiles', () => {
    const t = firstIfdTags(f16);
    assert.deepEqual(t.get(TAG.BitsPerSample), new Array(128).fill(16));
    assert.deepEqual(t.get(TAG.SampleFormat), new Array(128).fill(3));
    assert.deepEqual(t.get(TAG.Predictor), [3]);
    assert.deepEqual(t.get(TAG.Compression), [8]);
    assert.deepEqual(t.get(TAG.TileWidth), [256]);
    assert.deepEqual(firstIfdTags(f32).get(TAG.BitsPerSample), new Array(128).fill(32));
  });

  test('values as GDAL reads them: the Float32 run rounded to the nearest half (numpy), NaN nodata in the same places', () => {
    assert.equal(w16.length, w32.length);
    const n = w32[0].length;
    const all32 = Float32Array.from(w32.flat());
    const all16 = Float32Array.from(w16.flat());
    const want = numpyHalfBits(all32);
    const got = numpyHalfBits(all16); // exact: every half is a Float32
    let nan = 0;
    let exact = 0;
    let bad = 0;
    let maxRel = 0;
    for (let i = 0; i < all32.length; i++) {
      const v = all32[i];
      if (Number.isNaN(v) || Number.isNaN(all16[i])) {
        if (!(Number.isNaN(v) && Number.isNaN(all16[i]))) bad++;
        nan++;
        continue;
      }
      if (!withinHalf(v, all16[i])) bad++;
      if (want[i] === got[i]) exact++;
      if (Math.abs(v) > 2 ** -14) maxRel = Math.max(maxRel, Math.abs(v - all16[i]) / Math.abs(v));
    }
    assert.equal(bad, 0, `${bad} values off by more than half precision, or NaN in one file only`);
    // The masked columns (MASKED_COLS / stride output columns, every band) are NaN.
    const width = gdalinfo(f16).size[0];
    const rows = n / width;
    assert.ok(nan >= 128 * rows * (MASKED_COLS / STRIDE), `${nan} NaN values`);
    assert.ok(nan < all32.length / 2);
    // Two inference runs may differ in the last Float32 bit (thread scheduling), which can move
    // a value across a rounding boundary; otherwise the stored half is numpy's rounding.
    const valid = all32.length - nan;
    assert.ok(exact >= valid * 0.999, `${exact} of ${valid} values equal numpy's nearest half`);
    console.log(`float16 vs float32: ${exact}/${valid} equal numpy RNE, max relative error ${maxRel.toExponential(2)} (bound ${(2 ** -11).toExponential(2)})`);
  });

  test('gdalinfo -stats and gdal_translate -ot Float32 read the half file', () => {
    // -stats writes <file>.aux.xml: run it on copies, leaving the outputs as written.
    // Full-precision figures from the STATISTICS_* items (the JSON fields are rounded).
    const stats = (src: string, name: string) => {
      const copy = join(tmp, name);
      gdalTranslate([src, copy]);
      return (gdalinfo(copy, ['-stats']).bands as { metadata: Record<string, Record<string, string>> }[]).map((b) => ({
        minimum: Number(b.metadata[''].STATISTICS_MINIMUM),
        maximum: Number(b.metadata[''].STATISTICS_MAXIMUM),
        mean: Number(b.metadata[''].STATISTICS_MEAN),
      }));
    };
    const st = stats(f16, 'stats-f16.tif');
    const ref = stats(f32, 'stats-f32.tif');
    assert.equal(gdalinfo(join(tmp, 'stats-f16.tif')).bands[0].metadata?.IMAGE_STRUCTURE?.NBITS, '16', 'the copy keeps 16-bit samples');
    for (const b of [0, 63, 127]) {
      assert.ok(withinHalf(ref[b].minimum, st[b].minimum), `band ${b + 1} min ${st[b].minimum} vs ${ref[b].minimum}`);
      assert.ok(withinHalf(ref[b].maximum, st[b].maximum), `band ${b + 1} max ${st[b].maximum} vs ${ref[b].maximum}`);
      assert.ok(Math.abs(ref[b].mean - st[b].mean) <= Math.abs(ref[b].mean) * 2 ** -10 + 1e-4, `band ${b + 1} mean ${st[b].mean} vs ${ref[b].mean}`);
    }
    const wide = join(tmp, 'as-f32.tif');
    gdalTranslate(['-ot', 'Float32', f16, wide]);
    assert.deepEqual(firstIfdTags(wide).get(TAG.BitsPerSample)?.[0], 32);
    const width = gdalinfo(f16).size[0];
    for (const [c, r] of [[15, 20], [width - 1, 0], [0, 5]]) {
      const a = gdalPixel(wide, c, r, [1, 64, 128]);
      const b = gdalPixel(f16, c, r, [1, 64, 128]);
      a.forEach((v, k) => assert.ok(Object.is(v, b[k]) || (Number.isNaN(v) && Number.isNaN(b[k])), `(${c},${r}) band ${k}: ${v} vs ${b[k]}`));
    }
  });

  test('our reader opens the half file as Float32 and reads exactly what GDAL reads', async () => {
    const r = await openRaster([f16]);
    try {
      assert.equal(r.info.dataType, 'Float32');
      assert.equal(r.info.bandCount, 128);
      const bands = await r.readWindow({ x: 0, y: 0, width: r.info.width, height: r.info.height });
      assert.ok(bands[0] instanceof Float32Array);
      let diff = 0;
      bands.forEach((b, k) => {
        for (let i = 0; i < b.length; i++) if (!(b[i] === w16[k][i] || (Number.isNaN(b[i]) && Number.isNaN(w16[k][i])))) diff++;
      });
      assert.equal(diff, 0);
    } finally {
      await r.close();
    }
  });
});

describe('--dtype on the command line', () => {
  test('embed --dtype float16 prints the type of what it wrote', { skip: existsSync(join(MODEL, 's2_encoder.onnx')) ? false : `no ${MODEL}` }, () => {
    const out = join(tmp, 'cli-f16.tif');
    const r = skysense('run', '--task', 'embed', '--model', MODEL, '--input', SCENE, '--out', out, '--provider', 'cpu', '--dtype', 'float16');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.split('\n').includes(`wrote ${out} (Float16)`), r.stdout);
    assert.deepEqual(firstIfdTags(out).get(TAG.BitsPerSample)?.[0], 16);
  });

  test('another task, or a type other than float32/float16, is a usage error naming --dtype', () => {
    const out = join(tmp, 'never.tif');
    let r = skysense('run', '--task', 'cluster', '--model', MODEL, '--input', SCENE, '--k', '4', '--out', out, '--dtype', 'float16');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--dtype does not apply to --task cluster/);
    r = skysense('run', '--task', 'embed', '--model', MODEL, '--input', SCENE, '--out', out, '--dtype', 'float64');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--dtype must be float32 or float16 \(got "float64"\)/);
    assert.ok(!existsSync(out));
  });
});

describe('fused-embed dataType float16 (two bercy dates, 64 px crop)', { skip: existsSync(join(MODEL, 'fusion.onnx')) ? false : `no ${MODEL}` }, () => {
  test('same grid as the Float32 run, values within half precision, report Float16', async () => {
    const dates: string[] = [];
    for (const [k, src] of [SCENE, SCENE_2].entries()) {
      const dir = join(tmp, `crop-${k}`);
      mkdirSync(dir);
      // The same ground in every band (10, 20 and 60 m): B02's top-left 64 x 64 px (one 64 px tile).
      const gt = gdalinfo(join(src, 'B02.tif')).geoTransform as number[];
      const win = [gt[0], gt[3], gt[0] + 64 * gt[1], gt[3] + 64 * gt[5]].map(String);
      for (const f of readdirSync(src).filter((x) => /^B\w+\.tif$/.test(x))) gdalTranslate(['-projwin', ...win, join(src, f), join(dir, f)]);
      dates.push(dir);
    }
    const common = { model: MODEL, s2: dates, dates: ['2016-11-30', '2017-10-11'], providers: 'cpu', now: new Date('2026-11-26T12:00:00Z') };
    const a = join(tmp, 'fused-f32.tif');
    const b = join(tmp, 'fused-f16.tif');
    await runFusedEmbed({ ...common, out: a });
    const rep = await runFusedEmbed({ ...common, out: b, dataType: 'float16' });
    assert.equal(rep.outputs[0].dataType, 'Float16');
    assert.deepEqual(firstIfdTags(b).get(TAG.BitsPerSample)?.[0], 16);
    const ga = gdalinfo(a);
    const gb = gdalinfo(b);
    assert.deepEqual(gb.size, [64, 64]);
    assert.deepEqual(gb.geoTransform, ga.geoTransform);
    const va = gdalWindow(a, { bands: [1, 50, 128] });
    const vb = gdalWindow(b, { bands: [1, 50, 128] });
    let bad = 0;
    va.forEach((band, k) => band.forEach((v, i) => {
      if (!withinHalf(v, vb[k][i])) bad++;
    }));
    assert.equal(bad, 0);
    console.log(`fused-embed 64x64x128: float32 ${statSync(a).size} B, float16 ${statSync(b).size} B, ratio ${(statSync(b).size / statSync(a).size).toFixed(3)}`);
  });
});
