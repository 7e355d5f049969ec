/**
 * runFusedEmbed on real series with the shipped SkySense-Tiny: the fused output's grid
 * against gdalinfo of the S2 input, the report (dates and their sources, order, units,
 * provider), and the checks that refuse bad input before any inference, each naming the
 * files concerned: wrong / missing / future dates, grids that do not meet, a CRS mismatch,
 * a missing band (a real WorldCereal NetCDF patch converted per date with gdal_translate,
 * since our reader does not read NetCDF), HR input. Nearest resampling onto the S2 grid is
 * checked against gdalwarp -r near on SSL4EO's S1, whose grid is 4 px off the S2 one.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRaster } from '../../main/raster/index.ts';
import { runFusedEmbed, type FusedEmbedReport } from '../../main/tasks/embed/fused-embed.ts';
import { fitGrid } from '../../main/fusion/grid-fit.ts';
import { StackedRaster } from '../../main/fusion/date-stack.ts';
import { dataPath, gdalinfo, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const NOW = new Date('2026-11-26T12:00:00Z');
const EOLEARN = dataPath('more/eolearn_testeopatch_slovenia');
const BERCY = [dataPath('oscd/bercy/imgs_1'), dataPath('oscd/bercy/imgs_2')];
const SSL4EO = dataPath('s1s2/ssl4eo-s12');
const SSL_S2 = join(SSL4EO, 's2a/0000200/20200604T054639_20200604T054831_T43RCP');
const SSL_S1 = join(SSL4EO, 's1/0000200/S1A_IW_GRDH_1SDV_20200607T010800_20200607T010825_032904_03CFBA_D457');
const BEN_S1 = dataPath('s1s2/bigearthnet/v1/BigEarthNet-S1-v1.0/S1A_IW_GRDH_1SDV_20170613T165043_33UUP_61_39');

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-fused-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const noOutput = (out: string) => assert.ok(!existsSync(out) && !existsSync(`${out}.report.json`), `${out} was written`);

describe('fused-embed on a 5-date Sentinel-2 series (eo-learn, dates from the files\' metadata)', () => {
  // Given out of date order on purpose.
  const files = readdirSync(EOLEARN).filter((f) => f.startsWith('S2L1C_')).sort().reverse().map((f) => join(EOLEARN, f));
  // The oracle: what gdalinfo shows as each file's acquisition time.
  const timestamps = files.map((f) => String(gdalinfo(f).metadata[''].ACQUISITION_DATETIME_UTC).slice(0, 10));
  let out = '';
  let report: FusedEmbedReport;
  before(async () => {
    out = join(tmp, 'eolearn.tif');
    report = await runFusedEmbed({ model: MODEL, s2: files, out, providers: 'cpu', now: NOW });
  });

  test('the output lies on the S2 input grid (gdalinfo), one 128-band Float32 feature per pixel, NaN nodata', () => {
    const g = gdalinfo(out);
    const src = gdalinfo(files[0]);
    assert.deepEqual(g.size, src.size);
    assert.deepEqual(g.geoTransform, src.geoTransform);
    assert.equal(g.coordinateSystem.wkt, src.coordinateSystem.wkt);
    assert.equal(g.stac['proj:epsg'], 32633);
    assert.equal(g.bands.length, 128);
    assert.equal(g.bands[0].type, 'Float32');
    assert.equal(g.bands[0].noDataValue, 'NaN');
    assert.equal(g.bands[127].description, 'f127');
    assert.equal(g.metadata[''].SKYSENSE_TASK, 'fused-embed');
    assert.equal(g.metadata[''].SKYSENSE_S2_DATES, [...timestamps].sort().join(','));
  });

  test('every pixel has a finite feature (no tile part left unfused)', () => {
    for (const b of [1, 64, 128]) {
      const v = gdalWindow(out, { bands: [b] })[0];
      assert.equal(v.length, 100 * 101);
      assert.ok(v.every(Number.isFinite), `band ${b} has ${v.filter((x) => !Number.isFinite(x)).length} non-finite values`);
    }
    // Features differ across the scene (not a constant map).
    const v = gdalWindow(out, { bands: [1] })[0];
    assert.ok(Math.max(...v) - Math.min(...v) > 1e-3);
  });

  test('the report gives each date, its source and table row, the fused order, units and provider', () => {
    assert.equal(report.task, 'fused-embed');
    assert.deepEqual(report.modalities, ['s2']);
    assert.equal(report.hr, null);
    assert.equal(report.provider, 'cpu');
    assert.deepEqual(Object.keys(report.sessions).sort(), ['fusion', 's2_encoder', 's2_up']);
    assert.deepEqual(report.model.dateEmbedding?.appliesTo, ['s2']);
    const byPos = [...report.inputs].sort((a, b) => a.position - b.position);
    assert.deepEqual(byPos.map((i) => i.date), [...timestamps].sort());
    for (const i of report.inputs) {
      assert.equal(i.dateSource, 'metadata');
      assert.match(i.dateDetail, /^GDAL metadata ACQUISITION_DATETIME_UTC=/);
      const d = new Date(`${i.date}T00:00:00Z`);
      const doy = Math.round((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400e3) + 1;
      assert.equal(i.dayOfYear, doy);
      assert.equal(i.tableIndex, doy - 1);
      assert.equal(i.doyFed, doy);
      assert.equal(i.units.input, 'reflectance');
      assert.deepEqual(i.bandNames, ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12']);
    }
    assert.equal(report.inputs[0].grid, 'the reference grid');
    assert.equal(report.inputs[1].grid, 'on the reference grid');
    assert.match(report.notes.join('\n'), /S2 inputs were not in date order; fused in date order \(2015-07-11, 2015-07-31, 2015-08-20, 2015-08-30, 2015-09-09\)/);
    assert.deepEqual(report.tiles, { inferred: 4, skipped: 0, total: 4 });
    assert.ok(!readdirSync(tmp).some((f) => f.includes('.tmp')), 'no temporary files left');
  });
});

describe('fused-embed: bad input is refused before inference, naming the files', () => {
  const run = (o: Partial<Parameters<typeof runFusedEmbed>[0]>, name: string) => {
    const out = join(tmp, `${name}.tif`);
    return { out, p: runFusedEmbed({ model: MODEL, out, providers: 'cpu', now: NOW, ...o }) };
  };

  test('a date that does not parse, a wrong count, a date in the future', async () => {
    for (const [dates, re] of [
      [['2017-13-40', '2017-08-29'], /^--dates 2017-13-40: not a date \(expected YYYY-MM-DD\)$/],
      [['2016-11-30'], /^--dates: 1 date for 2 S2 inputs \(give one per input, in the order of the inputs\)$/],
      [['2016-11-30', '2027-03-01'], /^--dates 2027-03-01: is in the future \(today is 2026-11-26 UTC\)$/],
    ] as const) {
      const { out, p } = run({ s2: BERCY, dates: [...dates] }, 'dates');
      await assert.rejects(p, (e: Error) => re.test(e.message));
      noOutput(out);
    }
  });

  test('an S2 series without dates anywhere asks for --dates', async () => {
    const { out, p } = run({ s2: BERCY }, 'nodates');
    await assert.rejects(p, /oscd\/bercy\/imgs_1: no acquisition date found for S2 input 1 .*give --dates with one YYYY-MM-DD per S2 input/);
    noOutput(out);
  });

  test('S1 whose grid is 4 px off the S2 grid (SSL4EO) names both files; a CRS mismatch too', async () => {
    let r = run({ s2: [SSL_S2], s1: [SSL_S1] }, 'grid');
    await assert.rejects(r.p, (e: Error) => {
      assert.match(e.message, /^.*S1A_IW_GRDH_1SDV_20200607T010800_[^:]*: its grid \(264 x 264 px, .*\) differs from .*20200604T054639_20200604T054831_T43RCP \(264 x 264 px, .*\) by more than half a pixel: origin off by \(-3\.99, -2\.99\) px, far corner by \(-2\.02, -2\.01\) px; .*--resample nearest/);
      return true;
    });
    noOutput(r.out);
    r = run({ s2: [BERCY[0]], dates: ['2016-11-30'], s1: [BEN_S1] }, 'crs');
    await assert.rejects(r.p, /33UUP_61_39: CRS EPSG:32633 differs from EPSG:4326 of .*oscd\/bercy\/imgs_1; reproject it/);
    noOutput(r.out);
    // Same CRS, other place: even nearest resampling has nothing to read.
    r = run({ s2: [join(EOLEARN, 'S2L1C_20150711T100008.tif')], s1: [BEN_S1], resample: 'nearest' }, 'apart');
    await assert.rejects(r.p, /33UUP_61_39: does not overlap .*S2L1C_20150711T100008\.tif/);
    noOutput(r.out);
  });

  test('a WorldCereal date (NetCDF converted per band with gdal_translate) lacks B8A: named, with the bands it has', async () => {
    const nc = dataPath('timeseries/worldcereal/wc_inputs_belgium_31UFS_50x48_20months.nc');
    await assert.rejects(openRaster([nc]), /wc_inputs_belgium_31UFS_50x48_20months\.nc: /);
    // Band 2 of each variable: t = 11201 days after 1990-01-01 = 2020-09-01.
    const dir = join(tmp, 'wc_31UFS_2020-09-01');
    mkdirSync(dir);
    for (const v of ['B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B11', 'B12']) {
      execFileSync('gdal_translate', ['-q', '-b', '2', `NETCDF:${nc}:${v}`, join(dir, `${v}.tif`)]);
    }
    const { out, p } = run({ s2: [dir] }, 'wc');
    await assert.rejects(p, /wc_31UFS_2020-09-01: missing S2 band B8A \(the raster has B02, B03, B04, B05, B06, B07, B08, B11, B12\)/);
    noOutput(out);
  });

  test('HR of another place and CRS is refused by name; the same file twice is refused', async () => {
    let r = run({ s2: [BERCY[0]], dates: ['2016-11-30'], hr: dataPath('colocated/treesatai_ts/Abies_alba_1_1005_WEFL_NLF/aerial_0.2m.tif') }, 'hr');
    await assert.rejects(r.p, (e: Error & { code?: string }) => e.code === 'E_BAND_MISMATCH' && /aerial_0\.2m\.tif: CRS .* differs from EPSG:4326 of .*imgs_1/.test(e.message));
    noOutput(r.out);
    r = run({ s2: [BERCY[0], `${BERCY[0]}/`], dates: ['2016-11-30', '2016-11-30'] }, 'twice');
    await assert.rejects(r.p, /imgs_1\/: given twice \(S2 input 1 and S2 input 2\)/);
    noOutput(r.out);
  });
});

describe('nearest resampling onto the S2 grid', () => {
  test('SSL4EO S1 VV read onto the S2 grid equals gdalwarp -r near, pixel for pixel', async () => {
    const s2 = await openRaster([SSL_S2]);
    const s1 = await openRaster([join(SSL_S1, 'VV.tif')]);
    const fit = fitGrid(s2.info, s1.info, 'nearest');
    assert.equal(fit.kind, 'nearest');
    const stack = new StackedRaster(s2.info, [{ raster: s1, bands: [1], fit, label: 'S1' }]);
    try {
      const { width: w, height: h, geoTransform: gt } = s2.info;
      const [got] = await stack.readWindow({ x: 0, y: 0, width: w, height: h });
      const warped = join(tmp, 'vv-on-s2.tif');
      execFileSync('gdalwarp', ['-q', '-r', 'near', '-te', String(gt[0]), String(gt[3] + h * gt[5]), String(gt[0] + w * gt[1]), String(gt[3]), '-ts', String(w), String(h), '-dstnodata', 'nan', join(SSL_S1, 'VV.tif'), warped]);
      const want = gdalWindow(warped)[0];
      let differ = 0;
      want.forEach((v, i) => {
        if (!(Object.is(v, got[i]) || (Number.isNaN(v) && Number.isNaN(got[i])))) differ++;
      });
      assert.equal(differ, 0);
      // The 4 px offset leaves no-data columns on the east side: NaN there, in both.
      assert.ok(want.some(Number.isNaN));
    } finally {
      await stack.close();
      await s2.close();
    }
  });
});
