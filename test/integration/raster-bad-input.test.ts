/**
 * Bad input gives a specific ApiError naming the file, at open, quickly: never a crash,
 * a hang or garbage pixels. Every bad file is made here, in a temp folder, from real
 * data (cut, renamed, patched) or byte by byte. Also unusual but valid TIFF layouts
 * (big-endian, BigTIFF, band-interleaved, predictors, other codecs) read like GDAL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRaster, rasterInfo } from '../../main/raster/index.ts';
import type { ErrorCode } from '../../main/api.ts';
import { dataPath, gdalinfo, gdalTranslate, gdalWindow } from '../helpers/gdal.ts';
import { hugeEmptyTiff, tinyTiff, withProjectedCode } from '../helpers/tiny-tiff.ts';

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-bad-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Opening must fail with one of `codes`, naming `file`, within 5 s. */
async function expectError(paths: string[], codes: ErrorCode[], file: string): Promise<string> {
  const started = Date.now();
  let caught = null as { code?: string; message?: string; file?: string } | null;
  try {
    const r = await openRaster(paths);
    await r.readWindow({ x: 0, y: 0, width: 1, height: 1 });
    await r.close();
  } catch (err) {
    caught = err as typeof caught;
  }
  assert.ok(caught, `${file} opened without error`);
  assert.ok(codes.includes(caught.code as ErrorCode), `code ${caught.code} (${caught.message}), expected ${codes.join(' or ')}`);
  assert.ok(caught.message?.includes(file), `message names the file: ${caught.message}`);
  assert.equal(caught.message?.includes('\n'), false, 'one line');
  assert.equal(caught.file, file);
  assert.ok(Date.now() - started < 5000, 'fails fast');
  return caught.message!;
}

describe('bad input: specific errors naming the file', () => {
  test('missing file', async () => {
    const f = join(tmp, 'nope.tif');
    await expectError([f], ['E_NOT_FOUND'], f);
  });

  test('zero-size file', async () => {
    const f = join(tmp, 'empty.tif');
    writeFileSync(f, '');
    await expectError([f], ['E_EMPTY'], f);
  });

  test('a text file renamed .tif', async () => {
    const f = join(tmp, 'notes.tif');
    writeFileSync(f, 'these are field notes, not a raster\n');
    const msg = await expectError([f], ['E_NOT_RASTER'], f);
    assert.match(msg, /not a raster/);
  });

  for (const [name, src, keep] of [
    ['stripped', 'samples/L7_ETMs.tif', 0.6],
    ['tiled', 's1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif', 0.5],
    ['stripped, cut inside the last strip', 'hr/spacenet_atlanta_solaris/sample_geotiff.tif', 0.999],
    ['cut inside the header', 'samples/elev.tif', 0.01],
  ] as const) {
    test(`truncated TIFF (${name})`, async () => {
      const data = readFileSync(dataPath(src));
      const f = join(tmp, `cut-${name.replace(/\W+/g, '-')}.tif`);
      writeFileSync(f, data.subarray(0, Math.floor(data.length * keep)));
      await expectError([f], ['E_TRUNCATED'], f);
    });
  }

  test('unknown EPSG code in the GeoKeys', async () => {
    const f = join(tmp, 'unknown-crs.tif');
    gdalTranslate(['-a_srs', 'EPSG:32616', dataPath('samples/elev.tif'), f]);
    const patched = withProjectedCode(readFileSync(f), 32616, 59999);
    assert.ok(patched, 'found the GeoKey to patch');
    writeFileSync(f, patched);
    const msg = await expectError([f], ['E_CRS_UNKNOWN'], f);
    assert.match(msg, /EPSG:59999 is not known/);
  });

  test('a TIFF that declares 100000 x 100000 px and holds no data', async () => {
    const f = join(tmp, 'huge-strips.tif');
    // 100000 one-row strips whose offset/size arrays would lie beyond the end of the file.
    writeFileSync(f, tinyTiff([
      [256, 4, [100000]], [257, 4, [100000]], [258, 3, [8]], [259, 3, [1]], [262, 3, [1]],
      [273, 4, new Array(100000).fill(5000)], [277, 3, [1]], [278, 4, [1]], [279, 4, new Array(100000).fill(100000)],
    ]));
    // The offset array alone is larger than the whole file: a wrong count, not a cut download.
    await expectError([f], ['E_CORRUPT', 'E_TRUNCATED', 'E_TOO_LARGE'], f);
    const g = join(tmp, 'huge-one-strip.tif');
    // One strip of the whole image: 10 GB to decode.
    writeFileSync(g, hugeEmptyTiff());
    await expectError([g], ['E_TRUNCATED', 'E_TOO_LARGE'], g);
  });

  test('image directories that loop: read up to the loop with a warning, as GDAL does', async () => {
    const f = join(tmp, 'loop.tif');
    const buf = Buffer.from(readFileSync(dataPath('samples/elev.tif')));
    const ifd = buf.readUInt32LE(4);
    const n = buf.readUInt16LE(ifd);
    buf.writeUInt32LE(ifd, ifd + 2 + n * 12);
    writeFileSync(f, buf);
    const r = await openRaster([f]);
    try {
      const gdal = gdalinfo(f);
      assert.deepEqual([r.info.width, r.info.height, r.info.bandCount], [...gdal.size, gdal.bands.length]);
      assert.equal(r.warnings?.length, 1);
      assert.match(r.warnings![0], /loops back/);
      assert.ok(r.warnings![0].startsWith(`${f}: `), r.warnings![0]);
    } finally {
      await r.close();
    }
  });

  test('truncated PNG and JPEG', async () => {
    for (const [src, name] of [['hr/loveda/img_dir/0.png', 'cut.png'], ['more/hrsid_ship/images/P0007_3000_3800_1800_2600.jpg', 'cut.jpg']]) {
      const data = readFileSync(dataPath(src));
      const f = join(tmp, name);
      writeFileSync(f, data.subarray(0, Math.floor(data.length / 2)));
      await expectError([f], ['E_TRUNCATED'], f);
    }
  });

  test('a folder without rasters', async () => {
    const d = join(tmp, 'no-rasters');
    mkdirSync(d);
    writeFileSync(join(d, 'readme.txt'), 'nothing here');
    await expectError([d], ['E_NOT_RASTER'], d);
  });

  test('rasterInfo reports the same errors', async () => {
    const f = join(tmp, 'empty2.tif');
    writeFileSync(f, '');
    await assert.rejects(rasterInfo([f]), { code: 'E_EMPTY' });
  });
});

describe('unusual but valid TIFF layouts read like GDAL', () => {
  const variants: [string, string[]][] = [
    ['big-endian', ['-co', 'ENDIANNESS=BIG', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=128', '-co', 'BLOCKYSIZE=128']],
    ['BigTIFF', ['-co', 'BIGTIFF=YES', '-co', 'COMPRESS=DEFLATE']],
    ['band-interleaved, predictor 2', ['-co', 'INTERLEAVE=BAND', '-co', 'COMPRESS=LZW', '-co', 'PREDICTOR=2']],
    ['PACKBITS, one-row strips', ['-co', 'COMPRESS=PACKBITS', '-co', 'BLOCKYSIZE=1']],
    ['ZSTD tiles', ['-co', 'COMPRESS=ZSTD', '-co', 'TILED=YES']],
  ];
  for (const [name, co] of variants) {
    test(name, async () => {
      const f = join(tmp, `variant-${name.replace(/\W+/g, '-')}.tif`);
      gdalTranslate([...co, dataPath('samples/L7_ETMs.tif'), f]);
      const r = await openRaster([f]);
      try {
        const ours = await r.readWindow({ x: 0, y: 0, width: r.info.width, height: r.info.height });
        const theirs = gdalWindow(f);
        ours.forEach((band, b) => assert.deepEqual(Array.from(band), theirs[b], `band ${b + 1}`));
      } finally {
        await r.close();
      }
    });
  }

  test('Float32 with the floating-point predictor', async () => {
    const f = join(tmp, 'pred3.tif');
    gdalTranslate(['-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=3', dataPath('samples/olinda_dem_utm25s.tif'), f]);
    const r = await openRaster([f]);
    try {
      const [ours] = await r.readWindow({ x: 0, y: 0, width: r.info.width, height: r.info.height });
      assert.deepEqual(Array.from(ours), gdalWindow(f)[0]);
    } finally {
      await r.close();
    }
  });

  // JPEG inside TIFF: two different IDCTs (libjpeg vs geotiff.js) differ by 1. With YCbCr,
  // libjpeg also interpolates the 2x2-subsampled chroma ("fancy upsampling") where
  // geotiff.js repeats it, so colour edges differ more: mean |diff| <= 1, max <= 32.
  for (const [name, co, maxTol, meanTol] of [
    ['JPEG-in-TIFF, RGB', ['-co', 'COMPRESS=JPEG', '-co', 'TILED=YES'], 1, 0.2],
    ['JPEG-in-TIFF, YCbCr (converted to RGB)', ['-co', 'COMPRESS=JPEG', '-co', 'PHOTOMETRIC=YCBCR', '-co', 'TILED=YES'], 32, 1],
  ] as [string, string[], number, number][]) {
    test(name, async () => {
      const f = join(tmp, `${name.replace(/\W+/g, '-')}.tif`);
      gdalTranslate([...co, dataPath('hr/loveda/img_dir/0.png'), f]);
      const r = await openRaster([f]);
      try {
        const ours = await r.readWindow({ x: 0, y: 0, width: r.info.width, height: r.info.height });
        const theirs = gdalWindow(f);
        let max = 0;
        let sum = 0;
        ours.forEach((band, b) => band.forEach((v, k) => {
          const d = Math.abs(v - theirs[b][k]);
          max = Math.max(max, d);
          sum += d;
        }));
        const mean = sum / (ours.length * ours[0].length);
        assert.ok(max <= maxTol && mean <= meanTol, `max ${max} (<= ${maxTol}), mean ${mean.toFixed(3)} (<= ${meanTol})`);
      } finally {
        await r.close();
      }
    });
  }

  test('a file removed after use is reported missing, not served from a cache', async () => {
    const f = join(tmp, 'copy.tif');
    copyFileSync(dataPath('samples/elev.tif'), f);
    const r = await openRaster([f]);
    await r.close();
    rmSync(f);
    await expectError([f], ['E_NOT_FOUND'], f);
  });
});
