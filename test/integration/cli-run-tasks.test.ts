/**
 * `skysense run` end to end for the tasks beyond embed, as a user types them, on real
 * rasters with the shipped SkySense-Tiny and its stock head: the exit code, the report path
 * as the last stdout line, the provider in the report, and the outputs checked with GDAL's
 * own tools (gdalinfo for grids, categories and palettes; ogrinfo for the vectors).
 * Inputs are small crops made in a temp folder so the suite stays quick.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPath, gdalinfo, gdalTranslate, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const WATER = join(MODEL, 'heads/s1-water');
const S1 = dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');
const EOLEARN = dataPath('more/eolearn_testeopatch_slovenia');

let tmp = '';
let crop = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-cli-tasks-'));
  crop = join(tmp, 's1-crop.tif');
  gdalTranslate(['-q', '-srcwin', '128', '256', '160', '160', S1, crop]);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function ok(args: string[]): { lines: string[]; report: Record<string, unknown> } {
  const r = skysense('run', ...args, '--provider', 'cpu');
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  const reportPath = lines.at(-1)!;
  assert.ok(reportPath.endsWith('.report.json'), `last line ${reportPath}`);
  return { lines, report: JSON.parse(readFileSync(reportPath, 'utf8')) as Record<string, unknown> };
}

describe('segment with the stock s1-water head, with polygons', { skip: existsSync(join(WATER, 'manifest.json')) ? false : `no stock head at ${WATER}` }, () => {
  test('class raster on the input grid with categories and palette; GeoPackage polygons per class read by ogrinfo', () => {
    const out = join(tmp, 'water.tif');
    const gpkg = join(tmp, 'water.gpkg');
    const { lines, report } = ok(['--task', 'segment', '--head', WATER, '--input', crop, '--out', out, '--vectors', gpkg]);
    assert.equal(report.provider, 'cpu');
    assert.ok(lines.some((l) => l.startsWith(`wrote ${gpkg}`)), lines.join('\n'));
    const g = gdalinfo(out);
    const src = gdalinfo(crop);
    assert.deepEqual(g.size, src.size);
    assert.deepEqual(g.geoTransform, src.geoTransform);
    assert.equal(g.bands[0].type, 'Byte');
    assert.equal(g.bands[0].colorInterpretation, 'Palette');
    assert.deepEqual(g.bands[0].categories?.slice(0, 2), ['not water', 'water']);
    const classes = gdalWindow(out)[0];
    const water = classes.filter((v) => v === 1).length;
    assert.ok(water > 0 && water < classes.length, `water pixels ${water} of ${classes.length}`);
    const info = execFileSync('ogrinfo', ['-ro', '-al', '-so', gpkg], { encoding: 'utf8' });
    const count = Number(/Feature Count: (\d+)/.exec(info)?.[1]);
    assert.ok(count > 0, info);
    assert.match(info, /EPSG.*4326|WGS 84/);
    // Total polygon area of the water class equals its pixel count x pixel area (the oracle: SQLite's own sum over the GeoPackage).
    const sql = execFileSync('ogrinfo', ['-ro', gpkg, '-dialect', 'sqlite', '-sql', 'select class, sum(pixels) as px from "' + /Layer name: (\S+)/.exec(info)![1] + '" group by class'], { encoding: 'utf8' });
    const pxWater = Number(new RegExp(String.raw`class \(Integer64\) = 1\s+px \(\w+\) = (\d+)`).exec(sql)?.[1] ?? NaN);
    assert.equal(pxWater, water, sql);
  });
});

describe('cluster and similar from the command line', () => {
  test('cluster --k 3: Byte clusters on the feature grid, every cluster used, sizes in the report', () => {
    const out = join(tmp, 'clusters.tif');
    const { report } = ok(['--task', 'cluster', '--model', MODEL, '--input', crop, '--k', '3', '--threads', '1', '--out', out]);
    const g = gdalinfo(out);
    assert.equal(g.bands[0].type, 'Byte');
    assert.equal(g.size[0], 160 / 4);
    const values = new Set(gdalWindow(out)[0]);
    assert.equal([...values].filter((v) => v !== 255).length, 3, `clusters ${[...values]}`);
    assert.ok(JSON.stringify(report).includes('inertia'));
  });

  test('similar --lonlat at the crop centre: 1 at that pixel, values in [-1, 1]', () => {
    const out = join(tmp, 'similar.tif');
    const src = gdalinfo(crop);
    const [x0, dx, , y0, , dy] = src.geoTransform as number[];
    const lon = x0 + dx * 80.5;
    const lat = y0 + dy * 80.5;
    ok(['--task', 'similar', '--model', MODEL, '--input', crop, '--lonlat', `${lon},${lat}`, '--out', out]);
    const sim = gdalWindow(out)[0].filter((v) => Number.isFinite(v));
    assert.ok(Math.max(...sim) > 0.99999 && Math.max(...sim) <= 1 + 1e-6, `max ${Math.max(...sim)}`);
    assert.ok(Math.min(...sim) >= -1 - 1e-6);
  });

  test('cluster refuses --shard, similar refuses two queries (usage errors, exit 2, nothing written)', () => {
    const a = skysense('run', '--task', 'cluster', '--model', MODEL, '--input', crop, '--k', '3', '--shard', '1/2', '--out', join(tmp, 'no.tif'));
    assert.equal(a.code, 2);
    assert.match(a.stderr, /--shard does not apply to --task cluster/);
    const b = skysense('run', '--task', 'similar', '--model', MODEL, '--input', crop, '--lonlat', '1,2', '--point', '3,4', '--out', join(tmp, 'no.tif'));
    assert.equal(b.code, 2);
    assert.match(b.stderr, /needs exactly one query/);
    const c = skysense('run', '--task', 'cluster', '--model', MODEL, '--input', crop, '--k', '3', '--threads', '0', '--out', join(tmp, 'no.tif'));
    assert.equal(c.code, 2);
    assert.match(c.stderr, /--threads must be at least 1/);
    assert.ok(!existsSync(join(tmp, 'no.tif')));
  });
});

describe('fused embed of a 2-date S2 series from the command line', () => {
  test('--input per date with --dates: features on the S2 grid, the given dates in the report', () => {
    const files = readdirSync(EOLEARN).filter((f) => f.startsWith('S2L1C_')).sort().slice(0, 2).map((f) => join(EOLEARN, f));
    const out = join(tmp, 'fused.tif');
    const { report } = ok(['--task', 'embed', '--model', MODEL, '--input', files[0], '--input', files[1], '--dates', '2015-07-11,2015-07-31', '--out', out]);
    const g = gdalinfo(out);
    const src = gdalinfo(files[0]);
    assert.deepEqual(g.size, src.size);
    assert.deepEqual(g.geoTransform, src.geoTransform);
    assert.equal(g.bands.length, 128);
    const text = JSON.stringify(report);
    assert.ok(text.includes('2015-07-11') && text.includes('2015-07-31'), 'dates in the report');
    const bad = skysense('run', '--task', 'embed', '--model', MODEL, '--input', files[0], '--input', files[1], '--dates', '2015-07-11', '--out', join(tmp, 'bad.tif'), '--provider', 'cpu');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /dates/);
    assert.ok(!existsSync(join(tmp, 'bad.tif')));
  });
});

describe('Deepness models from the command line', () => {
  const FOTOMAP = dataPath('deepness/test_input/dummy_fotomap_small.tif');
  const RED = dataPath('deepness/models/segmentor_red_sigmoid_bsx1x512_nometa.onnx');
  const BADTYPE = dataPath('deepness/models/recognition_bsx3x224_badtype_meta.onnx');

  test('segment --model FILE.onnx without metadata: runs as a Segmentor on the raster grid, with polygons', () => {
    const out = join(tmp, 'red.tif');
    const geojson = join(tmp, 'red.geojson');
    const { report } = ok(['--task', 'segment', '--model', RED, '--input', FOTOMAP, '--out', out, '--vectors', geojson]);
    const g = gdalinfo(out);
    assert.equal(g.bands[0].type, 'Byte');
    assert.ok(JSON.stringify(report).includes('Segmentor'), 'the report names the model type');
    const values = gdalWindow(out)[0];
    const red = values.filter((v) => v === 1).length;
    assert.ok(red > 0 && red < values.length * 0.5, `red strokes ${red} of ${values.length}`);
    const fc = JSON.parse(readFileSync(geojson, 'utf8')) as { features: { properties: { class: number; pixels: number } }[] };
    const redPx = fc.features.filter((f) => f.properties.class === 1).reduce((a, f) => a + f.properties.pixels, 0);
    assert.equal(redPx, red, 'polygon pixels of class 1 equal the raster count');
  });

  test('a model whose model_type is invalid is refused naming the file and the key; a detector model is refused for segment', () => {
    const r = skysense('run', '--task', 'segment', '--model', BADTYPE, '--input', FOTOMAP, '--out', join(tmp, 'bad.tif'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /recognition_bsx3x224_badtype_meta\.onnx.*model_type/);
    const seg = dataPath('deepness/models/segmentor_sigmoid_bsx1x512_meta.onnx');
    const d = skysense('run', '--task', 'detect', '--model', seg, '--input', FOTOMAP, '--out', join(tmp, 'bad.gpkg'));
    assert.equal(d.code, 1, d.stderr);
    assert.match(d.stderr, /segmentor_sigmoid_bsx1x512_meta\.onnx: a Segmentor model, not a detector; use --task segment/);
    assert.ok(!existsSync(join(tmp, 'bad.gpkg')));
    assert.ok(!existsSync(join(tmp, 'bad.tif')));
  });
});
