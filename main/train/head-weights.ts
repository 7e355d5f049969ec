/**
 * A per-location head as numbers: standardisation (the training features' mean and std per
 * channel), then one linear layer (linear) or linear -> ReLU -> linear (mlp), giving one
 * logit per class. The forward pass here is the reference the exported ONNX graph is checked
 * against; training (train-loop.ts) works on the standardised features directly.
 */

export type HeadType = 'linear' | 'mlp';

export interface HeadWeights {
  type: HeadType;
  channels: number;
  /** Hidden units of the mlp; 0 for linear. */
  hidden: number;
  classes: number;
  mean: Float32Array;
  std: Float32Array;
  /** First layer, [out][in]: hidden x channels (mlp) or classes x channels (linear). */
  w1: Float32Array;
  b1: Float32Array;
  /** mlp only: classes x hidden. */
  w2: Float32Array | null;
  b2: Float32Array | null;
}

/**
 * y[n][out] = w[out][in] . x[n][in] + b[out]. Four outputs per pass over a row, so each
 * input value is loaded once for four products (README, Benchmarks: head training).
 */
export function dense(x: Float32Array, n: number, inDim: number, w: Float32Array, b: Float32Array, outDim: number, relu: boolean): Float32Array {
  const y = new Float32Array(n * outDim);
  const o4 = outDim - (outDim % 4);
  for (let i = 0; i < n; i++) {
    const xo = i * inDim;
    const yo = i * outDim;
    for (let o = 0; o < o4; o += 4) {
      const w0 = o * inDim;
      const w1 = w0 + inDim;
      const w2 = w1 + inDim;
      const w3 = w2 + inDim;
      let s0 = b[o];
      let s1 = b[o + 1];
      let s2 = b[o + 2];
      let s3 = b[o + 3];
      for (let j = 0; j < inDim; j++) {
        const v = x[xo + j];
        s0 += w[w0 + j] * v;
        s1 += w[w1 + j] * v;
        s2 += w[w2 + j] * v;
        s3 += w[w3 + j] * v;
      }
      y[yo + o] = relu && s0 < 0 ? 0 : s0;
      y[yo + o + 1] = relu && s1 < 0 ? 0 : s1;
      y[yo + o + 2] = relu && s2 < 0 ? 0 : s2;
      y[yo + o + 3] = relu && s3 < 0 ? 0 : s3;
    }
    for (let o = o4; o < outDim; o++) {
      const wo = o * inDim;
      let s = b[o];
      for (let j = 0; j < inDim; j++) s += w[wo + j] * x[xo + j];
      y[yo + o] = relu && s < 0 ? 0 : s;
    }
  }
  return y;
}

/** (x - mean) / std per channel, for n rows of `channels` values. */
export function standardise(x: Float32Array, n: number, mean: Float32Array, std: Float32Array): Float32Array {
  const c = mean.length;
  const out = new Float32Array(n * c);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) out[i * c + j] = (x[i * c + j] - mean[j]) / std[j];
  return out;
}

/** Logits (n x classes) of raw features (n x channels). */
export function headLogits(h: HeadWeights, x: Float32Array, n: number): Float32Array {
  const xs = standardise(x, n, h.mean, h.std);
  if (h.type === 'linear') return dense(xs, n, h.channels, h.w1, h.b1, h.classes, false);
  const hid = dense(xs, n, h.channels, h.w1, h.b1, h.hidden, true);
  return dense(hid, n, h.hidden, h.w2!, h.b2!, h.classes, false);
}

/** Index of the largest logit of each row. */
export function argmaxRows(logits: Float32Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (logits[i * k + c] > logits[i * k + best]) best = c;
    out[i] = best;
  }
  return out;
}
