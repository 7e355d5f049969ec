/**
 * The InferFn of a head task: normalise each date's bands of the tile batch, run the encoder
 * (once per date), feed the head the taps it names, and turn its logits into probabilities
 * (softmax over classes, or sigmoid per channel) BEFORE the tiler blends them: averaging
 * logits of overlapping tiles would weight a confident tile by its logit scale, averaging
 * probabilities weights tiles equally.
 *
 * Dense heads may be upsampled (bilinear, pixel centres aligned as in PyTorch's
 * align_corners=False) from the head's grid to the input grid inside each tile, so the
 * class raster lands on the input's own pixels; tile edges that bilinear clamps are
 * within the margin the tiler drops.
 */
import * as ort from 'onnxruntime-node';
import { ApiError } from '../api.ts';
import type { InferFn } from '../tiler/index.ts';
import type { HeadSessions, HeadSetup } from './head-setup.ts';
import type { Normaliser } from '../inputs/index.ts';

export interface HeadInferOptions {
  setup: HeadSetup;
  sessions: HeadSessions;
  /** One per date, in tile band order: the tile holds date a's C bands, then date b's. */
  normalisers: Normaliser[];
  /** Dense heads: output pixels per head cell along each axis (1 = the head's own grid). */
  upsample?: number;
  /** Each tile's probabilities as returned (classify's whole-raster answer). */
  onTile?: (probs: Float32Array) => void;
}

/** In place: softmax over `k` planes of `plane` values (one distribution per cell). */
export function softmaxPlanes(x: Float32Array, k: number, plane: number): void {
  for (let i = 0; i < plane; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, x[c * plane + i]);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(x[c * plane + i] - max);
      x[c * plane + i] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) x[c * plane + i] /= sum;
  }
}

export function sigmoidInPlace(x: Float32Array): void {
  for (let i = 0; i < x.length; i++) x[i] = 1 / (1 + Math.exp(-x[i]));
}

/** Source index pairs and weights for bilinear upsampling of n cells by f (half-pixel centres, edges clamped). */
function axisWeights(n: number, f: number): { i0: Int32Array; i1: Int32Array; w1: Float32Array } {
  const m = n * f;
  const i0 = new Int32Array(m);
  const i1 = new Int32Array(m);
  const w1 = new Float32Array(m);
  for (let X = 0; X < m; X++) {
    const u = Math.min(n - 1, Math.max(0, (X + 0.5) / f - 0.5));
    const a = Math.floor(u);
    i0[X] = a;
    i1[X] = Math.min(n - 1, a + 1);
    w1[X] = u - a;
  }
  return { i0, i1, w1 };
}

/** k planes of h x w -> k planes of (h f) x (w f). */
export function upsampleBilinear(src: Float32Array, k: number, h: number, w: number, f: number): Float32Array {
  const H = h * f;
  const W = w * f;
  const out = new Float32Array(k * H * W);
  const cx = axisWeights(w, f);
  const cy = axisWeights(h, f);
  const row0 = new Float32Array(W);
  const row1 = new Float32Array(W);
  for (let c = 0; c < k; c++) {
    const s = c * h * w;
    const o = c * H * W;
    for (let Y = 0; Y < H; Y++) {
      const r0 = s + cy.i0[Y] * w;
      const r1 = s + cy.i1[Y] * w;
      for (let X = 0; X < W; X++) {
        const a = cx.i0[X];
        const b = cx.i1[X];
        const t = cx.w1[X];
        row0[X] = src[r0 + a] + (src[r0 + b] - src[r0 + a]) * t;
        row1[X] = src[r1 + a] + (src[r1 + b] - src[r1 + a]) * t;
      }
      const v = cy.w1[Y];
      const d = o + Y * W;
      for (let X = 0; X < W; X++) out[d + X] = row0[X] + (row1[X] - row0[X]) * v;
    }
  }
  return out;
}

export function makeHeadInfer(o: HeadInferOptions): InferFn {
  const { setup, sessions } = o;
  const head = setup.head;
  const C = setup.modality.bands.length;
  const encoderInput = setup.spec.inputs[0].name;
  const output = head.outputs[0];
  const dense = head.task !== 'classify';
  const f = o.upsample ?? 1;
  const dates = o.normalisers.length;
  return async (inputs, ctx) => {
    const n = inputs.length;
    const { width: tw, height: th } = ctx.tiles[0];
    const plane = C * tw * th;
    const taps: ort.InferenceSession.ReturnType[] = [];
    for (let d = 0; d < dates; d++) {
      const batch = new Float32Array(n * plane);
      inputs.forEach((t, i) => batch.set(o.normalisers[d](t.subarray(d * plane, (d + 1) * plane)), i * plane));
      const run = await sessions.encoder.run({ [encoderInput]: new ort.Tensor('float32', batch, [n, C, th, tw]) });
      taps.push(run.outputs);
    }
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of head.inputs) feeds[input.name] = taps[input.date === 'b' ? 1 : 0][input.tap];
    const res = await sessions.head.session.run(feeds);
    const y = res[output.name];
    if (!y || y.type !== 'float32') {
      throw new ApiError('E_CORRUPT', `${setup.headManifestPath}: outputs[0]: the head gave ${y ? y.type : 'no'} "${output.name}", float32 expected`, setup.headManifestPath);
    }
    const dims = y.dims.map(Number);
    const k = dims[1];
    const oh = dense ? th / setup.outStride! : 1;
    const ow = dense ? tw / setup.outStride! : 1;
    const expected = dense ? [n, k, oh, ow] : [n, k];
    if (dims.length !== expected.length || dims.some((v, i) => v !== expected[i]) || (setup.outChannels !== null && k !== setup.outChannels)) {
      throw new ApiError(
        'E_CORRUPT',
        `${setup.headManifestPath}: outputs[0]: the head gave [${dims.join(', ')}] for ${n} tile(s) of ${tw} x ${th} px; expected [${expected.join(', ')}]${dense ? ` (stride ${setup.outStride})` : ''}`,
        setup.headManifestPath,
      );
    }
    const data = y.data as Float32Array;
    const per = k * oh * ow;
    const out: Float32Array[] = [];
    for (let i = 0; i < n; i++) {
      const p = data.slice(i * per, (i + 1) * per);
      if (head.activation === 'softmax') softmaxPlanes(p, k, oh * ow);
      else sigmoidInPlace(p);
      o.onTile?.(p);
      out.push(dense && f > 1 ? upsampleBilinear(p, k, oh, ow, f) : p);
    }
    return out;
  };
}
