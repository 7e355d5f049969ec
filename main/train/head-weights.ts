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

/** First-layer weights and bias with (x - mean) / std folded in: W' = W / std, b' = b - W' . mean. */
export function foldStandardisation(h: HeadWeights): { w: Float32Array; b: Float32Array } {
  const out = h.type === 'mlp' ? h.hidden : h.classes;
  const w = new Float32Array(out * h.channels);
  const b = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    let shift = 0;
    for (let j = 0; j < h.channels; j++) {
      const v = h.w1[o * h.channels + j] / h.std[j];
      w[o * h.channels + j] = v;
      shift += v * h.mean[j];
    }
    b[o] = h.b1[o] - shift;
  }
  return { w, b };
}

/**
 * Logits (n x classes) of raw features (n x channels), computed as the exported graph does:
 * the standardisation folded into the first layer, so metrics are those of the file written.
 */
export function headLogits(h: HeadWeights, x: Float32Array, n: number): Float32Array {
  const first = foldStandardisation(h);
  if (h.type === 'linear') return dense(x, n, h.channels, first.w, first.b, h.classes, false);
  const hid = dense(x, n, h.channels, first.w, first.b, h.hidden, true);
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
