/**
 * Shared by the Deepness and detect tests: the staged Deepness models and test image (read
 * in place), ONNX files made at test time by deepness_models.py (the three-colour YOLO
 * detector, the red-paint detect head), and the oracle for the processing grid —
 * `gdalwarp -tr <res> <res> -r near` of the input, read back by GDAL.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadModelFolder } from '../../main/model/index.ts';
import { dataPath, gdalinfo, gdalWarp, gdalWindow, REPO_ROOT } from './gdal.ts';
import { s1HeadManifest } from './test-heads.ts';

export const FOTOMAP = dataPath('deepness/test_input/dummy_fotomap_small.tif');

export function deepnessModel(name: string): string {
  return dataPath(`deepness/models/${name}`);
}

/** Runs test/helpers/deepness_models.py on a spec; returns what it printed (JSON). */
export function makeOnnx(spec: Record<string, unknown>, tmp: string): Record<string, unknown> {
  const specFile = join(tmp, `spec-${process.hrtime.bigint()}.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const r = spawnSync('/usr/bin/python3', [join(REPO_ROOT, 'test/helpers/deepness_models.py'), specFile], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`deepness_models.py ${String(spec.op)} failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

export interface WarpedInput {
  path: string;
  width: number;
  height: number;
  geoTransform: number[];
  /** R, G, B as GDAL reads the warped file. */
  bands: number[][];
}

/** The input on the model's grid as GDAL makes it: gdalwarp -tr res res -r near (res in metres). */
export function warpOracle(src: string, resM: number, tmp: string, name: string): WarpedInput {
  const path = join(tmp, `${name}.tif`);
  gdalWarp(['-overwrite', '-tr', String(resM), String(resM), '-r', 'near', src, path]);
  const info = gdalinfo(path);
  return { path, width: info.size[0], height: info.size[1], geoTransform: info.geoTransform, bands: gdalWindow(path, { bands: [1, 2, 3] }) };
}

export interface OgrFeature {
  properties: Record<string, string | number | null>;
  /** Exterior ring as GDAL reads it (closed). */
  ring: [number, number][];
}

/** Every feature of the first layer as GDAL/OGR reads it, with the layer's EPSG code and field types. */
export function ogrRead(path: string): { epsg: number | null; layer: string; fields: Record<string, string>; features: OgrFeature[] } {
  const py = `
import sys, json
from osgeo import ogr
ds = ogr.Open(sys.argv[1]); lyr = ds.GetLayer(0); srs = lyr.GetSpatialRef()
if srs is not None: srs.AutoIdentifyEPSG()
defn = lyr.GetLayerDefn()
fields = {defn.GetFieldDefn(i).GetName(): defn.GetFieldDefn(i).GetTypeName() for i in range(defn.GetFieldCount())}
feats = []
for f in lyr:
    g = f.GetGeometryRef()
    ring = g.GetGeometryRef(0)
    feats.append({'properties': {k: f.GetField(k) for k in fields}, 'ring': [list(ring.GetPoint_2D(i)) for i in range(ring.GetPointCount())]})
code = srs.GetAuthorityCode(None) if srs is not None else None
print(json.dumps({'epsg': int(code) if code else None, 'layer': lyr.GetName(), 'fields': fields, 'features': feats}))`;
  const out = spawnSync('/usr/bin/python3', ['-c', py, path], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`ogr read of ${path} failed: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

/** Metadata of the YOLO detector of red, green and blue strokes (deepness_models.py op "yolo"). */
export const YOLO_META = {
  model_type: '"Detector"',
  class_names: '{"0": "red", "1": "green", "2": "blue"}',
  resolution: '3',
  tiles_overlap: '15',
  det_conf: '0.3',
  det_iou_thresh: '0.4',
};

/** Side of the red-paint head's constant boxes, in pixels. */
export const RED_PAINT_BOX = 12;

export interface RedPaint {
  width: number;
  height: number;
  /** 1 where GDAL's read of FOTOMAP is painted red. */
  red: Uint8Array;
}

export function redPaint(): RedPaint {
  const [width, height] = gdalinfo(FOTOMAP).size;
  const all = gdalWindow(FOTOMAP, { bands: [1, 2, 3] });
  const red = new Uint8Array(width * height);
  for (let i = 0; i < red.length; i++) red[i] = all[0][i] / 255 > 0.6 && all[1][i] / 255 < 0.4 && all[2][i] / 255 < 0.4 ? 1 : 0;
  return { width, height, red };
}

/** Manifest of the red-paint detect head on the HR encoder's feat_s4 (stride 4); 5 box channels for the oriented one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function redPaintManifest(boxChannels: 4 | 5 = 4): Record<string, any> {
  return s1HeadManifest({
    name: 'red-paint',
    title: 'Red paint (test head)',
    task: 'detect',
    encoder: { name: 'skysense-tiny', modality: 'hr', module: 'hr_encoder', weightsSha256: null },
    inputs: [{ name: 'feat', dtype: 'float32', shape: ['batch', 32, 'h', 'w'], tap: 'feat_s4' }],
    outputs: [
      { name: 'scores', dtype: 'float32', shape: ['batch', 1, 'h', 'w'], stride: 4 },
      { name: 'boxes', dtype: 'float32', shape: ['batch', boxChannels, 'h', 'w'], stride: 4 },
    ],
    threshold: 0.5,
    classes: [
      { value: 0, name: 'no paint', color: '#000000' },
      { value: 1, name: 'red paint', color: '#ff0000' },
    ],
    training: { data: 'dummy_fotomap_small.tif, two 512 px windows, red paint per 4 px cell (fitted at test time)', licence: 'Apache-2.0 (Deepness test data)' },
  });
}

/**
 * Training cells for a red-paint head: the shipped HR encoder's feat_s4 of two 512 px
 * windows of FOTOMAP (read by GDAL, normalised with the manifest's mean/std), each 4 x 4 px
 * cell labelled 1 when half its pixels are red. Written as float32 files in `tmp`.
 */
export async function redPaintCells(model: string, paint: RedPaint, tmp: string): Promise<{ features: string; labels: string }> {
  const { width: W, height: H, red } = paint;
  const folder = await loadModelFolder(model, { providers: ['cpu'], cache: false });
  const hr = folder.manifest.modalities.hr as unknown as { mean: number[]; std: number[] };
  const enc = await folder.session('hr_encoder');
  const feats: number[] = [];
  const labels: number[] = [];
  for (const [x0, y0] of [[W - 512, 0], [0, H - 512]]) {
    const win = gdalWindow(FOTOMAP, { srcwin: [x0, y0, 512, 512], bands: [1, 2, 3] });
    const x = new Float32Array(3 * 512 * 512);
    for (let c = 0; c < 3; c++) for (let i = 0; i < 512 * 512; i++) x[c * 512 * 512 + i] = (win[c][i] - hr.mean[c]) / hr.std[c];
    const f = (await enc.run({ image: new ort.Tensor('float32', x, [1, 3, 512, 512]) })).outputs.feat_s4.data as Float32Array;
    for (let cy = 0; cy < 128; cy++) {
      for (let cx = 0; cx < 128; cx++) {
        for (let c = 0; c < 32; c++) feats.push(f[c * 128 * 128 + cy * 128 + cx]);
        let n = 0;
        for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) n += red[(y0 + cy * 4 + dy) * W + x0 + cx * 4 + dx];
        labels.push(n >= 8 ? 1 : 0);
      }
    }
  }
  await folder.close();
  const features = join(tmp, 'feat.f32');
  const labelFile = join(tmp, 'label.f32');
  writeFileSync(features, new Float32Array(feats));
  writeFileSync(labelFile, new Float32Array(labels));
  return { features, labels: labelFile };
}

/** Fits a red-paint detect head on the cells (torch, op "detect_head") into `dir`; returns the fit's metrics. */
export function fitRedPaintHead(
  cells: { features: string; labels: string },
  dir: string,
  tmp: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  o: { angle?: number; manifest?: Record<string, any> } = {},
): Record<string, unknown> {
  mkdirSync(dir, { recursive: true });
  return makeOnnx({ op: 'detect_head', dir, features: cells.features, labels: cells.labels, channels: 32, box: RED_PAINT_BOX, angle: o.angle ?? null, manifest: o.manifest ?? redPaintManifest() }, tmp);
}
