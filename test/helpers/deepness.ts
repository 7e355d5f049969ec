/**
 * Shared by the Deepness and detect tests: the staged Deepness models and test image (read
 * in place), ONNX files made at test time by deepness_models.py, and the oracle for the
 * processing grid — `gdalwarp -tr <res> <res> -r near` of the input, read back by GDAL.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataPath, gdalinfo, gdalWarp, gdalWindow, REPO_ROOT } from './gdal.ts';

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
