/**
 * Heads on HR + S2 fused features (a series with `hr`): the fused features cover only the
 * reference pixels the HR image covers, so labels outside it are left out before the split and
 * the rest are found in the smaller feature grid by its origin; the head then runs through
 * `skysense run --task segment --hr` over that window. Mechanics only: a 40 x 100 px crop of
 * the eo-learn Slovenia series (five S2 dates, its land cover) with an "HR" image made from the
 * left half of its own RGB bands by gdalwarp (its features mean nothing). Bad input (an HR
 * image of another place, labels all outside the HR image) is refused by name before features.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainTaskHead, type TrainReport } from '../../main/train/index.ts';
import { dataPath, gdalEpsg, gdalinfo, gdalTranslate, gdalWarp, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const PATCH = dataPath('more/eolearn_testeopatch_slovenia');
const DATES = readdirSync(PATCH).filter((f) => f.startsWith('S2L1C_')).sort();
const CLASSES = ['forest', 'other'];
const VALUES = { '2': 'forest', '3': 'other', '4': 'other' };
let tmp = '';
let report: TrainReport;
const at = (f: string) => join(tmp, f);
const dates = () => DATES.map((f) => at(join('s2', f)));
const base = () => ({ model: MODEL, labels: at('lulc.tif'), classes: CLASSES, labelValues: VALUES, cacheDir: at('cache'), epochs: 10, seed: 0, block: 4 });

/** An "HR" image of reference pixels x0..x0+w of the first date, 32 x finer. */
function simulatedHr(name: string, x0: number, w: number, from = dates()[0]): string {
  const rgb = at(`${name}-rgb.tif`);
  gdalTranslate(['-q', '-srcwin', String(x0), '0', String(w), '100', '-b', '4', '-b', '3', '-b', '2', '-ot', 'Byte', '-scale', '0', '0.25', '0', '255', from, rgb]);
  const gt = gdalinfo(from).geoTransform as number[];
  const hr = at(`${name}.tif`);
  gdalWarp(['-q', '-r', 'bilinear', '-tr', String(gt[1] / 32), String(-gt[5] / 32), rgb, hr]);
  return hr;
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-train-fused-hr-'));
  mkdirSync(at('s2'));
  // File names carry the dates, as the fused series reads them.
  for (const f of DATES) gdalTranslate(['-q', '-srcwin', '0', '0', '40', '100', join(PATCH, f), at(join('s2', f))]);
  gdalTranslate(['-q', '-srcwin', '0', '0', '40', '100', join(PATCH, 'LULC_label.tif'), at('lulc.tif')]);
  report = await trainTaskHead({ ...base(), series: { s2: dates(), hr: simulatedHr('hr', 0, 20) }, out: at('head') });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('only the labels under the HR image train: the left 20 columns; the features are its window', () => {
  const lulc = gdalWindow(at('lulc.tif'))[0];
  const under = lulc.filter((v, i) => i % 40 < 20 && ['2', '3', '4'].includes(String(v))).length;
  assert.ok(report.samples.train + report.samples.val <= under, `${report.samples.train} + ${report.samples.val} cells vs ${under} labelled under the HR image`);
  assert.ok(report.samples.train > 100 && report.samples.val > 10, JSON.stringify(report.samples));
  assert.deepEqual([report.features.width, report.features.height, report.features.stride], [20, 100, 1]);
  assert.equal(report.modality, 'fused');
});

test('skysense run --task segment --hr runs the head over the HR window', () => {
  const out = at('classes.tif');
  const r = skysense('run', '--task', 'segment', '--head', at('head'), ...dates().flatMap((d) => ['--input', d]), '--hr', at('hr.tif'), '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const info = gdalinfo(out);
  assert.deepEqual(info.size, [20, 100]);
  const ref = gdalinfo(dates()[0]).geoTransform as number[];
  assert.ok(Math.abs((info.geoTransform as number[])[0] - ref[0]) < 1e-6, 'the window starts at the series origin');
  const values = new Set(gdalWindow(out)[0]);
  for (const v of values) assert.ok(v === 0 || v === 1 || v === 255, `class value ${v}`);
});

test('an HR image of another place, or labels all outside it, refused by name before features', async () => {
  const far = at('far.tif');
  gdalTranslate(['-q', '-a_ullr', '0', '100', '10', '90', at('hr.tif'), far]);
  await assert.rejects(trainTaskHead({ ...base(), series: { s2: dates(), hr: far }, out: at('x') }), /far\.tif/);
  // Polygons of both classes in the left 10 columns; the HR image covers the right 20.
  const gt = gdalinfo(dates()[0]).geoTransform as number[];
  const box = (c0: number, r0: number, c1: number, r1: number) => [[c0, r0], [c1, r0], [c1, r1], [c0, r1], [c0, r0]].map(([c, r]) => [gt[0] + c * gt[1], gt[3] + r * gt[5]]);
  const left = at('left-only.geojson');
  writeFileSync(left, JSON.stringify({
    type: 'FeatureCollection', crs: { type: 'name', properties: { name: `EPSG:${gdalEpsg(gdalinfo(dates()[0]))}` } },
    features: [['forest', 0, 0, 10, 50], ['other', 0, 50, 10, 100]].map(([cls, ...b]) => ({ type: 'Feature', properties: { class: cls }, geometry: { type: 'Polygon', coordinates: [box(...(b as [number, number, number, number]))] } })),
  }));
  await assert.rejects(trainTaskHead({ ...base(), labels: left, labelValues: undefined, series: { s2: dates(), hr: simulatedHr('right-hr', 20, 20) }, out: at('y') }), /left-only\.geojson: no label lies under the HR image .*right-hr\.tif \(it covers reference pixels x 20-39/);
});
