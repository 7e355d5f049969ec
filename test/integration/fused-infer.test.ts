/**
 * The fused infer function's economies leave the features unchanged, on a real two-date
 * S2 + one-date S1 tile (Sen1Floods11 Spain chip read twice as two S2 dates) through the
 * shipped SkySense-Tiny sessions:
 * - fusing only the part of the tile the blend keeps (keptRegion) = fusing the whole tile there;
 * - fusion in one-row bands (a tiny token budget, as long series get) and one frame per
 *   encoder call = one call for everything.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadModelFolder, type ModelFolder } from '../../main/model/index.ts';
import { openRaster, type Raster } from '../../main/raster/index.ts';
import { keptRegion, makeFusedInfer, type FrameSpec, type FusedModules } from '../../main/fusion/fused-infer.ts';
import type { Tile } from '../../main/tiler/index.ts';
import { makeNormaliser } from '../../main/inputs/normalise.ts';
import { detectUnits, sampleValues } from '../../main/inputs/units.ts';
import { dataPath, REPO_ROOT } from '../helpers/gdal.ts';

const T = 64;
let model: ModelFolder;
let s2: Raster;
let s1: Raster;
let frames: FrameSpec[];
let mods: FusedModules;
let input: Float32Array;

before(async () => {
  model = await loadModelFolder(join(REPO_ROOT, 'models/skysense-tiny'), { providers: ['cpu'], cache: false });
  const m = model.manifest;
  s2 = await openRaster([dataPath('s1s2/sen1floods11/sample/S2/Spain_7370579_S2Hand.tif')]);
  s1 = await openRaster([dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif')]);
  const s2Bands = [2, 3, 4, 5, 6, 7, 8, 9, 12, 13];
  const s2Units = detectUnits('s2', m.modalities.s2!, await sampleValues(s2, s2Bands), s2.info.path);
  const s1Units = detectUnits('s1', m.modalities.s1!, await sampleValues(s1, [1, 2]), s1.info.path);
  frames = [
    { modality: 's2', channels: 10, normalise: makeNormaliser(m.modalities.s2!, s2Units, s2.info.nodata), doy: 100 },
    { modality: 's2', channels: 10, normalise: makeNormaliser(m.modalities.s2!, s2Units, s2.info.nodata), doy: 261 },
    { modality: 's1', channels: 2, normalise: makeNormaliser(m.modalities.s1!, s1Units, s1.info.nodata), doy: 0 },
  ];
  const win = { x: 256, y: 128, width: T, height: T };
  const a = await s2.readWindow(win, { bands: s2Bands });
  const b = await s1.readWindow(win, { bands: [1, 2] });
  const planes = [...a, ...a, ...b];
  input = new Float32Array(planes.length * T * T);
  planes.forEach((p, i) => input.set(Float32Array.from(p), i * T * T));
  const io = (name: string) => ({ session: model.session(name), spec: m.modules[name] });
  const enc = async (name: string) => {
    const { session, spec } = io(name);
    return { session: await session, input: spec.inputs[0].name, output: spec.outputs[spec.outputs.length - 1].name };
  };
  const up = async (name: string) => {
    const { session, spec } = io(name);
    return { session: await session, input: spec.inputs[0].name, output: spec.outputs[0].name };
  };
  mods = {
    encoders: { s2: await enc('s2_encoder'), s1: await enc('s1_encoder') },
    ups: { s2: await up('s2_up'), s1: await up('s1_up') },
    fusion: { session: await model.session('fusion'), tokens: 'tokens', doy: 'doy', output: 'fused', channels: 128 },
    upChannels: 256,
  };
});
after(async () => {
  await s2.close();
  await s1.close();
  await model.close();
});

// An interior tile of a 512 px raster: all four edges are interior.
const tile: Tile = { index: 0, col: 1, row: 1, x: 48, y: 48, width: T, height: T, outX: 48, outY: 48, outWidth: T, outHeight: T };

async function fuse(margin: number, o: { encoderBatch?: number; tokenBytes?: number } = {}): Promise<Float32Array> {
  const infer = makeFusedInfer(frames, mods, { margin, width: 512, height: 512, ...o });
  // The normalisers work in place: give each run its own copy.
  const [out] = await infer([input.slice()], { tiles: [tile] });
  return out;
}

test('only the kept region is fused, and it equals the whole-tile fusion there', async () => {
  const full = await fuse(0);
  const kept = await fuse(8);
  const k = keptRegion(tile, 8, 512, 512);
  assert.deepEqual(k, { x0: 8, x1: 56, y0: 8, y1: 56 });
  let maxDiff = 0;
  let nanOutside = 0;
  for (let c = 0; c < 128; c++) {
    for (let y = 0; y < T; y++) {
      for (let x = 0; x < T; x++) {
        const i = (c * T + y) * T + x;
        assert.ok(Number.isFinite(full[i]));
        if (x >= k.x0 && x < k.x1 && y >= k.y0 && y < k.y1) maxDiff = Math.max(maxDiff, Math.abs(kept[i] - full[i]));
        else if (Number.isNaN(kept[i])) nanOutside++;
      }
    }
  }
  assert.ok(maxDiff <= 1e-5, `kept region differs by ${maxDiff}`);
  assert.equal(nanOutside, 128 * (T * T - 48 * 48), 'outside the kept region is left NaN (never blended)');
  // Edge tiles keep their raster-side margin.
  assert.deepEqual(keptRegion({ ...tile, x: 0, y: 448 }, 8, 512, 512), { x0: 0, x1: 56, y0: 8, y1: 64 });
  assert.deepEqual(keptRegion({ ...tile, x: 0, y: 0 }, 8, 6, 6), { x0: 0, x1: 6, y0: 0, y1: 6 });
});

test('one-row fusion bands and one-frame encoder calls give the same features', async () => {
  const a = await fuse(8);
  const b = await fuse(8, { encoderBatch: 1, tokenBytes: 1 });
  let maxDiff = 0;
  let compared = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i])) {
      assert.ok(Number.isNaN(b[i]));
      continue;
    }
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    compared++;
  }
  assert.equal(compared, 128 * 48 * 48);
  assert.ok(maxDiff <= 1e-5, `differs by ${maxDiff}`);
});
