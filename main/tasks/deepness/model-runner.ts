/**
 * Feeds tiles to a Deepness model the way the plugin prepares them: the first C bands of
 * an 8-bit raster, divided by 255, standardised as (x - mean[c]) / std[c] when the
 * metadata gives both, NCHW float32. Batches follow the model: a fixed input batch is
 * always filled (a short last batch is padded with zero tiles, whose outputs are dropped);
 * a dynamic one takes the tiles given.
 */
import * as ort from 'onnxruntime-node';
import { ApiError } from '../../api.ts';
import { conciseReason } from '../../model/index.ts';

export interface RunnerSpec {
  file: string;
  session: ort.InferenceSession;
  inputName: string;
  channels: number;
  tile: number;
  /** The model's fixed batch, or null (dynamic). */
  fixedBatch: number | null;
  /** Tiles per session run. */
  batch: number;
  outputNames: string[];
  mean: number[] | null;
  std: number[] | null;
}

/** One output of one tile: its values and shape without the batch axis. */
export interface TileOutput {
  data: Float32Array;
  dims: number[];
}

function preprocessInto(raw: Float32Array, dst: Float32Array, offset: number, spec: Pick<RunnerSpec, 'channels' | 'mean' | 'std'>, plane: number): void {
  for (let c = 0; c < spec.channels; c++) {
    const mean = spec.mean?.[c] ?? 0;
    const std = spec.std?.[c] ?? 1;
    const o = offset + c * plane;
    const s = c * plane;
    // NaN (pixels masked out) is fed as 0, what an 8-bit image holds where it has no data.
    for (let i = 0; i < plane; i++) {
      const v = raw[s + i];
      dst[o + i] = ((v === v ? v : 0) / 255 - mean) / std;
    }
  }
}

/** Runs the model over tiles (raw C x tile x tile values each); per tile, one TileOutput per output name. */
export async function runTiles(spec: RunnerSpec, inputs: Float32Array[]): Promise<TileOutput[][]> {
  const { channels: C, tile: T } = spec;
  const plane = T * T;
  const results: TileOutput[][] = [];
  for (let s = 0; s < inputs.length; s += spec.batch) {
    const chunk = inputs.slice(s, s + spec.batch);
    const n = spec.fixedBatch ?? chunk.length;
    const buf = new Float32Array(n * C * plane);
    chunk.forEach((t, i) => preprocessInto(t, buf, i * C * plane, spec, plane));
    const out = await spec.session.run({ [spec.inputName]: new ort.Tensor('float32', buf, [n, C, T, T]) });
    const perOutput = spec.outputNames.map((name) => {
      const t = out[name];
      if (!t) throw new ApiError('E_UNSUPPORTED', `${spec.file}: the model gave no output "${name}"`, spec.file);
      if (!(t.data instanceof Float32Array)) throw new ApiError('E_UNSUPPORTED', `${spec.file}: output "${name}" is ${t.type}; float32 expected`, spec.file);
      const dims = t.dims.map(Number);
      if (dims[0] !== n) throw new ApiError('E_UNSUPPORTED', `${spec.file}: output "${name}" has batch ${dims[0]} for ${n} input tiles`, spec.file);
      return { data: t.data, dims };
    });
    for (let i = 0; i < chunk.length; i++) {
      results.push(
        perOutput.map(({ data, dims }) => {
          const per = data.length / dims[0];
          return { data: data.subarray(i * per, (i + 1) * per), dims: dims.slice(1) };
        }),
      );
    }
  }
  return results;
}

/** One run on a batch of zero tiles: the real output shapes (dynamic axes resolved) before the long work. */
async function probeOutputs(spec: RunnerSpec): Promise<number[][]> {
  const n = spec.fixedBatch ?? spec.batch;
  const zero = Array.from({ length: n }, () => new Float32Array(spec.channels * spec.tile * spec.tile));
  const res = await runTiles({ ...spec, batch: n }, zero);
  return res[0].map((o) => o.dims);
}

/**
 * Probes at the planned batch; a graph that declares a dynamic batch but cannot run one
 * (a Reshape to a fixed [1, H, W], as in some exports) falls back to batch 1 with a
 * warning, which is the plugin's default batch anyway.
 */
export async function probeWithFallback(spec: RunnerSpec, warnings: string[]): Promise<{ dims: number[][]; batch: number }> {
  try {
    return { dims: await probeOutputs(spec), batch: spec.batch };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (spec.fixedBatch === null && spec.batch > 1) {
      try {
        const dims = await probeOutputs({ ...spec, batch: 1 });
        warnings.push(`${spec.file}: declares a dynamic batch but fails on ${spec.batch} tiles at once (${conciseReason(err)}); run one tile at a time`);
        return { dims, batch: 1 };
      } catch {
        // Fails on one tile too: report the first failure below.
      }
    }
    throw new ApiError('E_UNSUPPORTED', `${spec.file}: fails on a zero ${spec.tile} px tile (${conciseReason(err)})`, spec.file);
  }
}
