/**
 * k-means on a sample of feature vectors: k-means++ seeding from a fixed seed, then Lloyd
 * iterations until no point changes cluster (or maxIterations). Squared Euclidean
 * distance; the caller standardises the features first (cluster.ts says why).
 *
 * Written here rather than taken from a library: the npm k-means packages hold data as
 * arrays of arrays (10x the memory of one Float32Array for 50k x 128 values), seed from
 * Math.random, or lack k-means++; this is ~150 lines over one flat array.
 *
 * Determinism: the same data, k and seed give the same centres, labels and iterations on
 * every machine (the PRNG is ours, sums are in a fixed order). Ties go to the lower
 * centre index, here and in nearestCentre, so assigning a full raster afterwards agrees
 * with the sample's labels.
 */
import { ApiError } from '../../api.ts';

export interface KMeansOptions {
  k: number;
  /** Seed of the k-means++ draws (default 1). */
  seed?: number;
  /** Upper bound on Lloyd iterations (default 300). */
  maxIterations?: number;
}

export interface KMeansResult {
  k: number;
  dims: number;
  /** k x dims, row-major. */
  centres: Float64Array;
  /** Nearest centre of every sample point (for the returned centres). */
  labels: Int32Array;
  /** Sample points per cluster. */
  sizes: number[];
  /** Sum of squared distances of the sample points to their nearest centre. */
  inertia: number;
  /** Assignment passes run (the last one changed nothing when converged). */
  iterations: number;
  converged: boolean;
  /** Clusters that went empty during Lloyd and were re-seeded at the farthest point. */
  reseeded: number;
}

/** Small, fast, seedable PRNG (mulberry32): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sqDist(data: ArrayLike<number>, p: number, centres: Float64Array, c: number, d: number): number {
  let s = 0;
  const po = p * d;
  const co = c * d;
  for (let j = 0; j < d; j++) {
    const v = data[po + j] - centres[co + j];
    s += v * v;
  }
  return s;
}

/**
 * Index of the nearest of k centres to x[offset .. offset + d); ties to the lower index.
 * Its squared distance goes to out[0] when out is given (no object per call: this runs
 * once per pixel of the raster).
 */
export function nearestCentre(x: ArrayLike<number>, offset: number, centres: Float64Array, k: number, d: number, out?: Float64Array): number {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < k; c++) {
    let s = 0;
    const co = c * d;
    for (let j = 0; j < d; j++) {
      const v = x[offset + j] - centres[co + j];
      s += v * v;
    }
    if (s < bestD) {
      bestD = s;
      best = c;
    }
  }
  if (out) out[0] = bestD;
  return best;
}

/** k-means++: the first centre uniformly, each next one with probability proportional to D^2. */
function seedCentres(data: ArrayLike<number>, n: number, d: number, k: number, rand: () => number): Float64Array {
  const centres = new Float64Array(k * d);
  const take = (c: number, p: number) => {
    for (let j = 0; j < d; j++) centres[c * d + j] = data[p * d + j];
  };
  take(0, Math.floor(rand() * n));
  const d2 = new Float64Array(n);
  for (let p = 0; p < n; p++) d2[p] = sqDist(data, p, centres, 0, d);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let p = 0; p < n; p++) total += d2[p];
    if (!(total > 0)) {
      throw new ApiError('E_BAD_REQUEST', `k = ${k}: the sample holds only ${c} distinct feature vectors; choose k <= ${c}`);
    }
    let r = rand() * total;
    let pick = n - 1;
    for (let p = 0; p < n; p++) {
      r -= d2[p];
      if (r < 0 && d2[p] > 0) {
        pick = p;
        break;
      }
    }
    // Rounding can leave r >= 0 after the last point: take the last point with D > 0.
    while (d2[pick] === 0 && pick > 0) pick--;
    take(c, pick);
    for (let p = 0; p < n; p++) {
      const v = sqDist(data, p, centres, c, d);
      if (v < d2[p]) d2[p] = v;
    }
  }
  return centres;
}

/**
 * data: n x d row-major (n = data.length / d).
 *
 * Lloyd's algorithm with Hamerly's bounds (2010): each point keeps an upper bound on the
 * distance to its centre and a lower bound on the distance to any other; when the centres
 * move little (most iterations) the bounds rule out a change without computing the k
 * distances. The bounds only skip work, the result is Lloyd's: convergence is declared
 * only after a full exact pass changes nothing.
 */
export function kmeans(data: Float32Array | Float64Array, d: number, o: KMeansOptions): KMeansResult {
  const { k } = o;
  if (!Number.isInteger(d) || d < 1 || data.length % d !== 0) throw new ApiError('E_INTERNAL', `k-means: ${data.length} values are not a whole number of ${d}-vectors`);
  const n = data.length / d;
  if (!Number.isInteger(k) || k < 1) throw new ApiError('E_BAD_REQUEST', `k must be a whole number >= 1 (got ${k})`);
  if (k > n) throw new ApiError('E_BAD_REQUEST', `k = ${k} is more than the ${n} sampled pixels`);
  const maxIterations = o.maxIterations ?? 300;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new ApiError('E_BAD_REQUEST', `maxIterations must be a whole number >= 1 (got ${maxIterations})`);
  const rand = seededRandom(o.seed ?? 1);
  const centres = seedCentres(data, n, d, k, rand);
  const labels = new Int32Array(n).fill(-1);
  // Squared distance to the assigned centre after an exact pass.
  const dist = new Float64Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const old = new Float64Array(k * d);
  const move = new Float64Array(k);
  const half = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  let reseeded = 0;

  // |x - c|^2 = |x|^2 + |c|^2 - 2 x.c: one multiply-add per dimension in the k-way search.
  const pnorm = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    let s = 0;
    for (let j = p * d; j < (p + 1) * d; j++) s += data[j] * data[j];
    pnorm[p] = s;
  }
  const cnorm = new Float64Array(k);
  const centreNorms = () => {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = c * d; j < (c + 1) * d; j++) s += centres[j] * centres[j];
      cnorm[c] = s;
    }
  };
  centreNorms();
  /** Nearest and second-nearest centre of p: sets labels, upper, lower, dist; returns whether the label changed. */
  const full = (p: number): boolean => {
    let b1 = Infinity;
    let b2 = Infinity;
    let best = 0;
    const po = p * d;
    for (let c = 0; c < k; c++) {
      const co = c * d;
      let s0 = 0;
      let s1 = 0;
      let j = 0;
      for (; j + 1 < d; j += 2) {
        s0 += data[po + j] * centres[co + j];
        s1 += data[po + j + 1] * centres[co + j + 1];
      }
      if (j < d) s0 += data[po + j] * centres[co + j];
      const s = Math.max(0, pnorm[p] + cnorm[c] - 2 * (s0 + s1));
      if (s < b1) {
        b2 = b1;
        b1 = s;
        best = c;
      } else if (s < b2) b2 = s;
    }
    dist[p] = b1;
    upper[p] = Math.sqrt(b1);
    lower[p] = Math.sqrt(b2);
    const changed = labels[p] !== best;
    labels[p] = best;
    return changed;
  };
  const exactPass = (): number => {
    let changed = 0;
    for (let p = 0; p < n; p++) if (full(p)) changed++;
    return changed;
  };
  const centreDist = (a: Float64Array, ao: number, b: Float64Array, bo: number): number => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = a[ao + j] - b[bo + j];
      s += v * v;
    }
    return Math.sqrt(s);
  };

  let changed = exactPass();
  iterations = 1;
  let exact = true;
  while (iterations < maxIterations) {
    if (changed === 0) {
      if (exact) {
        converged = true;
        break;
      }
      // The bounds saw no change: confirm with every distance before calling it stable.
      changed = exactPass();
      iterations++;
      exact = true;
      continue;
    }
    // Update: centres to the means of their points; an empty cluster restarts at the point worst served.
    sums.fill(0);
    counts.fill(0);
    for (let p = 0; p < n; p++) {
      const c = labels[p];
      counts[c]++;
      const so = c * d;
      const po = p * d;
      for (let j = 0; j < d; j++) sums[so + j] += data[po + j];
    }
    old.set(centres);
    let empty = false;
    const taken = new Set<number>();
    for (let c = 0; c < k; c++) {
      if (counts[c] > 0) {
        for (let j = 0; j < d; j++) centres[c * d + j] = sums[c * d + j] / counts[c];
        continue;
      }
      let far = -1;
      for (let p = 0; p < n; p++) if (!taken.has(p) && (far < 0 || upper[p] > upper[far])) far = p;
      taken.add(far);
      for (let j = 0; j < d; j++) centres[c * d + j] = data[far * d + j];
      reseeded++;
      empty = true;
    }
    centreNorms();
    if (empty) {
      changed = exactPass();
      iterations++;
      exact = true;
      continue;
    }
    let m1 = 0;
    let m2 = 0;
    let arg = -1;
    for (let c = 0; c < k; c++) {
      move[c] = centreDist(centres, c * d, old, c * d);
      if (move[c] > m1) {
        m2 = m1;
        m1 = move[c];
        arg = c;
      } else if (move[c] > m2) m2 = move[c];
    }
    for (let c = 0; c < k; c++) {
      let m = Infinity;
      for (let c2 = 0; c2 < k; c2++) if (c2 !== c) m = Math.min(m, centreDist(centres, c * d, centres, c2 * d));
      half[c] = m / 2;
    }
    changed = 0;
    for (let p = 0; p < n; p++) {
      const a = labels[p];
      upper[p] += move[a];
      lower[p] -= a === arg ? m2 : m1;
      const bound = Math.max(half[a], lower[p]);
      if (upper[p] <= bound) continue;
      // Tighten the upper bound to the true distance before paying for all k.
      let s = 0;
      const po = p * d;
      const ao = a * d;
      for (let j = 0; j < d; j++) {
        const v = data[po + j] - centres[ao + j];
        s += v * v;
      }
      upper[p] = Math.sqrt(s);
      if (upper[p] <= bound) continue;
      if (full(p)) changed++;
    }
    iterations++;
    exact = false;
  }
  if (!converged) exactPass();
  const sizes = new Array<number>(k).fill(0);
  let inertia = 0;
  for (let p = 0; p < n; p++) {
    sizes[labels[p]]++;
    inertia += dist[p];
  }
  return { k, dims: d, centres, labels, sizes, inertia, iterations, converged, reseeded };
}
