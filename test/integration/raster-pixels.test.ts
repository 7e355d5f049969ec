/**
 * Pixel values against GDAL: single pixels vs gdallocationinfo, windows vs
 * gdal_translate -srcwin, decimated reads vs gdal_translate -outsize (nearest; with the
 * same overview level GDAL is told to use), across data types, stripped and tiled
 * layouts, pixel- and band-interleaved files, PNG and JPEG.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRaster, type NumericArray } from '../../main/raster/index.ts';
import { dataPath, gdalPixel, gdalTranslate, gdalWindow } from '../helpers/gdal.ts';

function same(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** gdallocationinfo prints 15 significant digits: floats agree to that precision. */
function samePrinted(a: number, b: number): boolean {
  return same(a, b) || Math.abs(a - b) <= 1e-13 * Math.max(1, Math.abs(b));
}

function assertBandsEqual(ours: NumericArray[], theirs: number[][], what: string, tol = 0): void {
  assert.equal(ours.length, theirs.length, `${what}: band count`);
  ours.forEach((band, b) => {
    assert.equal(band.length, theirs[b].length, `${what}: band ${b + 1} length`);
    let bad = 0;
    let first = -1;
    for (let i = 0; i < band.length; i++) {
      const ok = tol === 0 ? same(band[i], theirs[b][i]) : Math.abs(band[i] - theirs[b][i]) <= tol;
      if (!ok) {
        bad++;
        if (first < 0) first = i;
      }
    }
    assert.equal(bad, 0, `${what}: band ${b + 1} differs at ${bad} pixels, first at ${first}: ${band[first]} vs GDAL ${theirs[b][first]}`);
  });
}

const pixelFiles = [
  'samples/L7_ETMs.tif',
  'samples/elev.tif',
  'samples/meuse.tif',
  'samples/olinda_dem_utm25s.tif',
  'oscd/aguasclaras/imgs_1/B02.tif',
  's1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif',
  'hr/spacenet_atlanta_solaris/sample_geotiff.tif',
  'timeseries/cropharvest/98-togo_2019-02-06_2020-02-01.tif',
  'hr/loveda/img_dir/0.png',
];

describe('single pixels equal gdallocationinfo', () => {
  for (const file of pixelFiles) {
    test(file, async () => {
      const r = await openRaster([dataPath(file)]);
      try {
        const { width: w, height: h } = r.info;
        const points: [number, number][] = [[0, 0], [w - 1, h - 1], [Math.floor(w / 2), Math.floor(h / 3)], [w - 1, 0], [0, h - 1], [Math.floor(w / 7), Math.floor((h * 5) / 6)]];
        // gdallocationinfo is slow over the 206-band file: check a spread of its bands.
        const bands = r.info.bandCount > 50 ? [1, 2, 17, 100, r.info.bandCount] : undefined;
        for (const [c, row] of points) {
          const ours = (await r.readWindow({ x: c, y: row, width: 1, height: 1 }, { bands })).map((a) => a[0]);
          const theirs = gdalPixel(dataPath(file), c, row, bands);
          assert.equal(ours.length, theirs.length);
          ours.forEach((v, b) => assert.ok(samePrinted(v, theirs[b]), `${file} (${c},${row}) band ${b + 1}: ${v} vs GDAL ${theirs[b]}`));
        }
      } finally {
        await r.close();
      }
    });
  }
});

interface WindowCase {
  file: string;
  srcwin: [number, number, number, number];
  outsize?: [number, number];
  overviewLevel?: number;
  bands?: number[];
  tol?: number;
  why?: string;
}

const windowCases: WindowCase[] = [
  { file: 'samples/L7_ETMs.tif', srcwin: [17, 33, 201, 150] },
  { file: 'samples/L7_ETMs.tif', srcwin: [0, 0, 349, 352], outsize: [175, 176], why: 'exactly the first overview' },
  { file: 'samples/L7_ETMs.tif', srcwin: [0, 0, 349, 352], outsize: [100, 100], overviewLevel: 0, why: 'first overview, nearest to 100 px' },
  { file: 'samples/L7_ETMs.tif', srcwin: [0, 0, 349, 352], outsize: [30, 31], overviewLevel: 2, bands: [2, 5] },
  { file: 's1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif', srcwin: [200, 100, 300, 350] },
  { file: 's1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif', srcwin: [0, 0, 512, 512], outsize: [100, 100], why: 'decimated, no overviews' },
  { file: 's1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif', srcwin: [10, 20, 200, 150], outsize: [37, 29] },
  { file: 's1s2/sen1floods11/sample/S2/Spain_7370579_S2Hand.tif', srcwin: [250, 250, 20, 30], bands: [1, 4, 13] },
  { file: 'timeseries/cropharvest/98-togo_2019-02-06_2020-02-01.tif', srcwin: [2, 3, 14, 12] },
  { file: 'hr/spacenet_atlanta_solaris/sample_geotiff.tif', srcwin: [100, 397, 512, 300] },
  { file: 'samples/elev.tif', srcwin: [0, 0, 95, 90] },
  { file: 'samples/lc.tif', srcwin: [5, 5, 70, 40] },
  { file: 'oscd/aguasclaras/cm/aguasclaras-cm.tif', srcwin: [100, 100, 300, 200], outsize: [150, 100] },
  { file: 'hr/loveda/img_dir/0.png', srcwin: [500, 200, 300, 400] },
  { file: 'hr/loveda/ann_dir/0.png', srcwin: [0, 0, 1024, 1024], outsize: [256, 256] },
  {
    file: 'more/hrsid_ship/images/P0007_3000_3800_1800_2600.jpg',
    srcwin: [100, 100, 200, 200],
    tol: 1,
    why: 'jpeg-js and libjpeg round the inverse DCT / colour conversion differently by at most 1',
  },
];

describe('windows equal gdal_translate', () => {
  for (const c of windowCases) {
    const name = `${c.file} srcwin ${c.srcwin.join(',')}${c.outsize ? ` -> ${c.outsize.join('x')}` : ''}${c.why ? ` (${c.why})` : ''}`;
    test(name, async () => {
      const r = await openRaster([dataPath(c.file)]);
      try {
        const [x, y, width, height] = c.srcwin;
        const ours = await r.readWindow({ x, y, width, height }, { bands: c.bands, outWidth: c.outsize?.[0], outHeight: c.outsize?.[1] });
        const theirs = gdalWindow(dataPath(c.file), { srcwin: c.overviewLevel === undefined ? c.srcwin : undefined, outsize: c.outsize, bands: c.bands, overviewLevel: c.overviewLevel });
        assertBandsEqual(ours, theirs, name, c.tol ?? 0);
      } finally {
        await r.close();
      }
    });
  }

  test('pixels of a window outside the raster read as nodata', async () => {
    const r = await openRaster([dataPath('samples/elev.tif')]);
    try {
      const [band] = await r.readWindow({ x: 90, y: 85, width: 10, height: 10 });
      const inside = gdalWindow(dataPath('samples/elev.tif'), { srcwin: [90, 85, 5, 5] })[0];
      for (let row = 0; row < 10; row++) {
        for (let col = 0; col < 10; col++) {
          const v = band[row * 10 + col];
          if (row < 5 && col < 5) assert.equal(v, inside[row * 5 + col]);
          else assert.equal(v, -32768, `(${col},${row}) outside is nodata`);
        }
      }
    } finally {
      await r.close();
    }
  });

  test('bad read requests are specific errors', async () => {
    const r = await openRaster([dataPath('samples/elev.tif')]);
    try {
      await assert.rejects(r.readWindow({ x: 0, y: 0, width: 0, height: 5 }), { code: 'E_BAD_REQUEST' });
      await assert.rejects(r.readWindow({ x: 0, y: 0, width: 5, height: 5 }, { bands: [2] }), { code: 'E_BAD_REQUEST' });
      await assert.rejects(r.readWindow({ x: 0, y: 0, width: 5, height: 5 }, { outWidth: 0 }), { code: 'E_BAD_REQUEST' });
    } finally {
      await r.close();
    }
  });
});

describe('every data type', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'skysense-types-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  for (const [type, co] of [
    ['UInt32', []],
    ['Int32', []],
    ['Float64', ['-co', 'PREDICTOR=3']],
    ['UInt16', ['-co', 'PREDICTOR=2']],
  ] as [string, string[]][]) {
    test(type, async () => {
      const f = join(tmp, `${type}.tif`);
      gdalTranslate(['-ot', type, '-scale', '-500', '1500', '0', '100000', '-co', 'COMPRESS=DEFLATE', ...co, dataPath('samples/elev.tif'), f]);
      const r = await openRaster([f]);
      try {
        assert.equal(r.info.dataType, type);
        const ours = await r.readWindow({ x: 0, y: 0, width: r.info.width, height: r.info.height });
        assertBandsEqual(ours, gdalWindow(f), type);
      } finally {
        await r.close();
      }
    });
  }

  test('Int8 (GDAL 3.6 writes it as Byte with PIXELTYPE=SIGNEDBYTE)', async () => {
    const f = join(tmp, 'int8.tif');
    gdalTranslate(['-ot', 'Byte', '-co', 'PIXELTYPE=SIGNEDBYTE', '-scale', '0', '1000', '-100', '100', dataPath('samples/elev.tif'), f]);
    const r = await openRaster([f]);
    try {
      assert.equal(r.info.dataType, 'Int8');
      const ours = await r.readWindow({ x: 0, y: 0, width: r.info.width, height: r.info.height });
      const signed = gdalWindow(f).map((band) => band.map((v) => (v > 127 ? v - 256 : v)));
      assertBandsEqual(ours, signed, 'Int8');
    } finally {
      await r.close();
    }
  });
});
