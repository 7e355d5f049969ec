/**
 * Band mapping and units detection for embed, on the real rasters' metadata: OSCD band
 * folders (file names B02..B12), Sen1Floods11 S2 (descriptions B1..B12) and S1 (VV, VH),
 * and an unlabelled 8-bit RGB PNG.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../main/api.ts';
import type { Modality } from '../../main/model/index.ts';
import { rasterInfo } from '../../main/raster/index.ts';
import { mapBands, s2BandId } from '../../main/inputs/band-map.ts';
import { guessModality } from '../../main/inputs/modality.ts';
import { detectUnits } from '../../main/inputs/units.ts';
import { dataPath } from '../helpers/gdal.ts';

const S2 = ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12'];

test('S2 band ids fold the usual spellings', () => {
  assert.equal(s2BandId('B2'), 'B02');
  assert.equal(s2BandId('B02'), 'B02');
  assert.equal(s2BandId('b8a'), 'B8A');
  assert.equal(s2BandId('B02 (Blue)'), 'B02');
  assert.equal(s2BandId('T31UDQ_20200101_B11_20m'), 'B11');
  assert.equal(s2BandId('Band 1'), null);
  assert.equal(s2BandId('B123'), null);
});

test('S2 bands are found by file name in a band folder and by description in one file', async () => {
  const folder = await rasterInfo([dataPath('oscd/bercy/imgs_1')]);
  assert.deepEqual(mapBands(folder, 's2', S2).bands, [2, 3, 4, 5, 6, 7, 8, 9, 12, 13]);
  const file = await rasterInfo([dataPath('s1s2/sen1floods11/sample/S2/Spain_7370579_S2Hand.tif')]);
  assert.deepEqual(mapBands(file, 's2', S2), { bands: [2, 3, 4, 5, 6, 7, 8, 9, 12, 13], how: 'names' });
  assert.equal(guessModality(file, ['s2', 's1', 'hr']), 's2');
  assert.deepEqual(mapBands(file, 's2', S2, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).how, 'override');
});

test('a missing band is named, with the file', async () => {
  const s1 = await rasterInfo([dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif')]);
  assert.equal(guessModality(s1, ['s2', 's1']), 's1');
  assert.deepEqual(mapBands(s1, 's1', ['VV', 'VH']).bands, [1, 2]);
  assert.throws(
    () => mapBands(s1, 's2', S2),
    (e: unknown) => e instanceof ApiError && e.code === 'E_BAND_MISMATCH' && e.message.includes('Spain_7370579_S1Hand.tif: missing S2 bands B02, B03, B04, B05, B06, B07, B08, B8A, B11, B12'),
  );
});

test('an unlabelled 8-bit RGB image is HR, its first three bands', async () => {
  const png = await rasterInfo([dataPath('hr/whu_cd/prev/000121.png')]);
  assert.equal(guessModality(png, ['s2', 's1', 'hr']), 'hr');
  assert.deepEqual(mapBands(png, 'hr', ['R', 'G', 'B']), { bands: [1, 2, 3], how: 'first-three' });
});

test('units: reflectance floats are scaled to DN, DN kept, linear S1 converted, dB kept', () => {
  const s2: Modality = { bands: S2, units: 'reflectance', scale: 10000, mean: S2.map(() => 0), std: S2.map(() => 1), gsd: 10 };
  const s1: Modality = { bands: ['VV', 'VH'], units: 'dB', mean: [0, 0], std: [1, 1], gsd: 10 };
  const sorted = (a: number[]) => Float64Array.from(a).sort();
  assert.deepEqual(detectUnits('s2', s2, sorted([0.01, 0.2, 0.35, 1.1]), 'f').convert, { kind: 'scale', multiply: 10000 });
  assert.deepEqual(detectUnits('s2', s2, sorted([120, 2000, 3500, 11000]), 'f').convert, { kind: 'scale', multiply: 1 });
  assert.deepEqual(detectUnits('s1', s1, sorted([0.001, 0.02, 0.3, 1.5]), 'f').convert, { kind: 'dB' });
  assert.deepEqual(detectUnits('s1', s1, sorted([-25, -12, -3, 2]), 'f').convert, { kind: 'scale', multiply: 1 });
  assert.throws(() => detectUnits('s2', s2, new Float64Array(0), 'x.tif'), /x\.tif: the sampled windows hold only nodata/);
});
