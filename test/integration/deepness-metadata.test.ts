/**
 * Reading Deepness models: metadata_props and graph I/O decoded by our protobuf reader must
 * equal what Python's onnx package decoded into models_inventory.jsonl (an independent
 * decoder), for every staged model; bad metadata and bad graphs give errors naming the file
 * and the key or tensor, before any raster is opened.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../main/api.ts';
import { parseDeepnessMetadata, pyCapitalize, readDeepnessMetadata, runDeepness } from '../../main/tasks/deepness/index.ts';
import { dataPath } from '../helpers/gdal.ts';
import { deepnessModel, FOTOMAP, makeOnnx } from '../helpers/deepness.ts';

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-deepness-meta-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

interface InventoryRow {
  file: string;
  ir_version: number;
  producer: string;
  opset: number[];
  inputs: [string, number, (number | string)[]][];
  outputs: [string, number, (number | string)[]][];
  metadata: Record<string, string>;
}

test('every staged model: metadata, inputs and outputs equal the onnx package decode (models_inventory.jsonl)', async () => {
  const rows = readFileSync(dataPath('deepness/models_inventory.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as InventoryRow);
  const files = readdirSync(dataPath('deepness/models')).filter((f) => f.endsWith('.onnx'));
  assert.equal(rows.length, files.length);
  for (const row of rows) {
    const info = await readDeepnessMetadata(deepnessModel(row.file)).catch((err: unknown) => err);
    if (row.file.includes('badtype')) {
      assert.ok(info instanceof ApiError, 'the bad model_type must be refused');
      continue;
    }
    assert.ok(!(info instanceof Error), `${row.file}: ${String(info)}`);
    const { onnx } = info as Awaited<ReturnType<typeof readDeepnessMetadata>>;
    assert.equal(onnx.irVersion, row.ir_version, row.file);
    assert.equal(onnx.producer, row.producer, row.file);
    assert.deepEqual(onnx.opsets.map((o) => o.version), row.opset, row.file);
    assert.deepEqual(onnx.metadata, row.metadata, row.file);
    assert.deepEqual(onnx.inputs.map((i) => [i.name, i.elemType, i.dims]), row.inputs, row.file);
    assert.deepEqual(onnx.outputs.map((i) => [i.name, i.elemType, i.dims]), row.outputs, row.file);
  }
});

test('decoded values: JSON strings, numbers, class_names list and dict forms, the tiles_size key', async () => {
  const vi = await readDeepnessMetadata(deepnessModel('regressor_vi_1x3x512_meta.onnx'));
  assert.equal(vi.metadata.modelType, 'Regressor');
  assert.equal(vi.metadata.resolutionCm, 5.5);
  assert.equal(vi.metadata.tileSize, 256);
  assert.equal(vi.metadata.tileSizeKey, 'tiles_size');
  assert.ok(vi.warnings.some((w) => w.includes('tiles_size') && w.includes('ignores')), vi.warnings.join('\n'));
  assert.equal(vi.metadata.tilesOverlap, 11);
  assert.equal(vi.metadata.regOutputScaling, 1.1);
  assert.equal(vi.metadata.segThresh, 0.3);
  assert.equal(vi.metadata.detIouThresh, 0.44);
  assert.deepEqual(vi.metadata.classNames, [['_background', 'building', 'woodland', 'water', 'road']]);
  const two = await readDeepnessMetadata(deepnessModel('segmentor_2heads_softmax_bsx2x512_meta.onnx'));
  assert.deepEqual(two.metadata.classNames, [['Coffee', 'Tea'], ['Juice', 'Beer']]);
  const none = await readDeepnessMetadata(deepnessModel('segmentor_softmax_bsx2x512_nometa.onnx'));
  assert.equal(none.metadata.modelType, null);
  assert.equal(none.metadata.classNames, null);
});

test('model_type "Regression" (the badtype model): an error naming the file, the key and the value', async () => {
  const file = deepnessModel('recognition_bsx3x224_badtype_meta.onnx');
  await assert.rejects(readDeepnessMetadata(file), (err: ApiError) => {
    assert.equal(err.code, 'E_CORRUPT');
    assert.ok(err.message.startsWith(`${file}: metadata "model_type"`), err.message);
    assert.match(err.message, /"Regression".*not a Deepness model type/);
    return true;
  });
  // runDeepness refuses it before opening the raster (a raster that does not exist proves it).
  await assert.rejects(runDeepness({ model: file, input: join(tmp, 'missing.tif'), out: join(tmp, 'x.tif') }), /model_type/);
});

test('metadata rules: capitalisation, JSON quoting, consecutive class keys, Python literals', () => {
  assert.equal(pyCapitalize('segmentor'), 'Segmentor');
  assert.equal(pyCapitalize('SuperResolution'), 'Superresolution');
  const f = '/models/m.onnx';
  assert.equal(parseDeepnessMetadata(f, { model_type: '"DETECTOR"' }).modelType, 'Detector');
  assert.throws(() => parseDeepnessMetadata(f, { model_type: 'Segmentor' }), /m\.onnx: metadata "model_type" is "Segmentor", which is not JSON.*quotes/);
  assert.throws(() => parseDeepnessMetadata(f, { class_names: '{"0": "a", "2": "b"}' }), /metadata "class_names" has keys \["0","2"\]: they are not consecutive/);
  assert.throws(() => parseDeepnessMetadata(f, { class_names: '[{"0": "a"}, {"1": "b"}]' }), /"class_names" \(head 1\) has keys \["1"\]: they are not consecutive/);
  assert.deepEqual(parseDeepnessMetadata(f, { class_names: "{0: 'road', 1: \"tree\\'s\"}" }).classNames, [['road', "tree's"]]);
  assert.deepEqual(parseDeepnessMetadata(f, { names: '{"1": "b", "0": "a"}' }).classNames, [['a', 'b']]);
  assert.throws(() => parseDeepnessMetadata(f, { resolution: '-3' }), /"resolution" is -3; a resolution in cm per pixel > 0 expected/);
  assert.throws(() => parseDeepnessMetadata(f, { tiles_overlap: '"15"' }), /"tiles_overlap" is "15"/);
  assert.throws(() => parseDeepnessMetadata(f, { det_type: '"YOLO_v99"' }), /"det_type" is "YOLO_v99"/);
  const w: string[] = [];
  const both = parseDeepnessMetadata(f, { tile_size: '512', tiles_size: '256' }, w);
  assert.equal(both.tileSize, 512);
  assert.equal(both.tileSizeKey, 'tile_size');
  assert.ok(w[0].includes('tile_size is used'), w.join('\n'));
});

test('graph rules: two inputs, a non-square input, a file that is not ONNX', async () => {
  const two = join(tmp, 'two.onnx');
  const sq = join(tmp, 'nonsquare.onnx');
  makeOnnx({ op: 'two_inputs', dst: two }, tmp);
  makeOnnx({ op: 'non_square', dst: sq }, tmp);
  const out = join(tmp, 'o.tif');
  await assert.rejects(runDeepness({ model: two, input: FOTOMAP, out }), (err: ApiError) => {
    assert.equal(err.code, 'E_UNSUPPORTED');
    assert.equal(err.message, `${two}: has 2 inputs (a, b); a Deepness model takes exactly one image input`);
    return true;
  });
  await assert.rejects(runDeepness({ model: sq, input: FOTOMAP, out }), new RegExp(`^ApiError: ${sq}: input "x" \\[1, 3, 512, 256\\] is not square`));
  const text = join(tmp, 'text.onnx');
  writeFileSync(text, 'this is not a model\n');
  await assert.rejects(readDeepnessMetadata(text), new RegExp(`${text}: not a readable ONNX model`));
  const sr = deepnessModel('superresolution_1x3x64_to_128_nometa.onnx');
  await assert.rejects(runDeepness({ model: sr, modelType: 'Superresolution' as never, input: FOTOMAP, out }), /Superresolution model; SkySense Desktop runs Segmentor, Regressor and Detector/);
  await assert.rejects(runDeepness({ model: deepnessModel('segmentor_softmax_bsx2x512_nometa.onnx'), input: FOTOMAP, out }), /has no model_type metadata; say which kind/);
});

test('rasters a Deepness model cannot take: not 8-bit, too few bands, named in the error', async () => {
  const model = deepnessModel('segmentor_sigmoid_bsx1x512_meta.onnx');
  const elev = dataPath('samples/elev.tif');
  await assert.rejects(runDeepness({ model, input: elev, out: join(tmp, 'e.tif') }), (err: ApiError) => {
    assert.equal(err.code, 'E_UNSUPPORTED');
    assert.match(err.message, new RegExp(`^${elev}: is Int16; Deepness models take 8-bit input`));
    return true;
  });
  const lc = dataPath('samples/lc.tif');
  await assert.rejects(runDeepness({ model, input: lc, out: join(tmp, 'l.tif') }), new RegExp(`${lc}: band 2 does not exist \\(the raster has 1; the model takes 3\\)`));
  await assert.rejects(runDeepness({ model, input: FOTOMAP, out: join(tmp, 'o.geojson') }), /a Segmentor writes a GeoTIFF; give a \.tif output/);
});
