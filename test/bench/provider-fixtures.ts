/**
 * Shared by test/models/provider-*.test.ts and test/bench/provider-latency.bench.ts: a tiny
 * random-init model folder made by models/convert.py in a temp dir, real tiles (OSCD
 * Sentinel-2 through main/raster, Sen1Floods11 Sentinel-1) turned into each module's inputs
 * by running the cpu chain, tensors as raw files, and the environments a child process
 * needs to get (or to be refused) a WebGPU adapter.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { openRaster } from '../../main/raster/index.ts';
import type { Manifest } from '../../main/model/index.ts';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DATA = resolve(REPO, '../shared/data');
export const PYTHON = '/usr/bin/python3';

/** Chromium's SwiftShader: Vulkan on the CPU, the webgpu path CI can run. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
/** Chromium also ships the Vulkan loader; Debian's libvulkan1 is not always installed. */
export const CHROMIUM_LIB = '/usr/lib/chromium';

export const S2_CITY = 'oscd/aguasclaras/imgs_1';
export const S2_DATE = '2015-09-16'; // oscd/index.csv date_1 of aguasclaras
export const S1_FILE = 's1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif';

/** The environment for a child process whose webgpu runs on SwiftShader. */
export function swiftshaderEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, VK_ICD_FILENAMES: SWIFTSHADER_ICD };
  delete env.VK_DRIVER_FILES;
  env.LD_LIBRARY_PATH = [CHROMIUM_LIB, ...(base.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean)].join(delimiter);
  return env;
}

/**
 * An environment in which Vulkan has no usable driver, so webgpu finds no adapter even on a
 * machine with a GPU: the only driver named is an ICD manifest whose library does not exist.
 */
export function noAdapterEnv(dir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const icd = join(dir, 'no_such_driver_icd.json');
  writeFileSync(icd, JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: join(dir, 'libvk_no_such_driver.so'), api_version: '1.3.0' } }));
  const env = swiftshaderEnv(base);
  env.VK_ICD_FILENAMES = icd;
  return env;
}

/** models/convert.py --random-init --config tiny for `modules`, without its own ORT check (the tests do theirs). */
export function makeTinyModel(dir: string, modules: string[], opts: { fp16?: boolean; s2Size?: number; s1Size?: number; hrSize?: number } = {}): string {
  const args = ['models/convert.py', '--random-init', '--config', 'tiny', '--out', dir, '--modules', modules.join(','), '--no-verify'];
  if (opts.fp16) args.push('--fp16');
  if (opts.s2Size) args.push('--s2-size', String(opts.s2Size));
  if (opts.s1Size) args.push('--s1-size', String(opts.s1Size));
  if (opts.hrSize) args.push('--hr-size', String(opts.hrSize));
  const r = spawnSync(PYTHON, args, { cwd: REPO, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '2', OMP_WAIT_POLICY: 'PASSIVE' } });
  if (r.status !== 0) throw new Error(`convert.py failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
  return dir;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

// ------------------------------------------------------------------ tensors on disk

export interface TensorRecord {
  name: string;
  dtype: 'float32' | 'int64';
  dims: number[];
  file: string;
}

export function writeTensor(dir: string, file: string, name: string, t: ort.Tensor): TensorRecord {
  if (t.type !== 'float32' && t.type !== 'int64') throw new Error(`${name}: cannot store ${t.type}`);
  const data = t.data as Float32Array | BigInt64Array;
  writeFileSync(join(dir, file), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { name, dtype: t.type, dims: [...t.dims], file };
}

export function readTensor(dir: string, r: TensorRecord): ort.Tensor {
  const buf = readFileSync(join(dir, r.file));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const data = r.dtype === 'int64' ? new BigInt64Array(ab) : new Float32Array(ab);
  return new ort.Tensor(r.dtype, data, r.dims);
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): { diff: number; maxAbs: number } {
  if (a.length !== b.length) return { diff: Infinity, maxAbs: 0 };
  let diff = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    // NaN must count as a miss.
    if (!(d <= diff)) diff = Number.isNaN(d) ? Infinity : d;
    maxAbs = Math.max(maxAbs, Math.abs(b[i]));
  }
  return { diff, maxAbs };
}

// ------------------------------------------------------------------ real tiles

export interface RealTiles {
  s2: ort.Tensor;
  s1: ort.Tensor;
  /** Day of year of the S2 date (1..366). */
  s2Doy: number;
  /** Tile centre, degrees (OSCD is EPSG:4326). */
  lat: number;
  lon: number;
  source: { s2: string; s1: string };
}

function normalise(bands: ArrayLike<number>[], mean: number[], std: number[], size: number): Float32Array {
  const out = new Float32Array(bands.length * size * size);
  bands.forEach((b, c) => {
    for (let i = 0; i < size * size; i++) {
      const v = Number(b[i]);
      // Sentinel-1 nodata is NaN: feed it as the band mean (0 after normalising).
      out[c * size * size + i] = Number.isFinite(v) ? (v - mean[c]) / std[c] : 0;
    }
  });
  return out;
}

function dayOfYear(iso: string): number {
  const d = new Date(`${iso}T00:00:00Z`);
  return Math.round((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** size x size tiles at (x, y) of the OSCD aguasclaras date-1 bands and of the Sen1Floods11 S1 chip. */
export async function readRealTiles(manifest: Manifest, size: number, x = 200, y = 200): Promise<RealTiles> {
  const s2m = manifest.modalities.s2!;
  const s1m = manifest.modalities.s1!;
  const s2r = await openRaster([join(DATA, S2_CITY)]);
  let s2: Float32Array;
  let lat: number;
  let lon: number;
  try {
    const names = s2r.info.bandNames ?? [];
    const idx = s2m.bands.map((b) => {
      const i = names.indexOf(b);
      if (i < 0) throw new Error(`${S2_CITY}: no band ${b} (has ${names.join(', ')})`);
      return i + 1;
    });
    const bands = await s2r.readWindow({ x, y, width: size, height: size }, { bands: idx });
    s2 = normalise(bands, s2m.mean, s2m.std, size);
    const gt = s2r.info.geoTransform!;
    lon = gt[0] + (x + size / 2) * gt[1];
    lat = gt[3] + (y + size / 2) * gt[5];
  } finally {
    await s2r.close();
  }
  const s1r = await openRaster([join(DATA, S1_FILE)]);
  let s1: Float32Array;
  try {
    s1 = normalise(await s1r.readWindow({ x, y, width: size, height: size }, { bands: [1, 2] }), s1m.mean, s1m.std, size);
  } finally {
    await s1r.close();
  }
  return {
    s2: new ort.Tensor('float32', s2, [1, s2m.bands.length, size, size]),
    s1: new ort.Tensor('float32', s1, [1, 2, size, size]),
    s2Doy: dayOfYear(S2_DATE),
    lat,
    lon,
    source: {
      s2: `OSCD aguasclaras ${S2_DATE} ${s2m.bands.join(',')} window ${x},${y} ${size}x${size}`,
      s1: `Sen1Floods11 Spain_7370579 VV,VH window ${x},${y} ${size}x${size}`,
    },
  };
}

// ------------------------------------------------------------------ module inputs from the cpu chain

export interface ModuleCase {
  module: string;
  source: string;
  feeds: Record<string, ort.Tensor>;
  /** The cpu outputs for these feeds (the reference webgpu is held to). */
  cpu: Record<string, ort.Tensor>;
  cpuMs: number;
}

type Runner = (module: string, feeds: Record<string, ort.Tensor>) => Promise<{ outputs: Record<string, ort.Tensor>; ms: number }>;

/**
 * Real inputs for every module present: the encoders read the tiles, s2_up/s1_up read their
 * encoder's last feature map, fusion stacks both upsampled frames (S2 with its day of year,
 * S1 with 0), geo_context reads the fused map at the tile centre's latitude and longitude.
 */
export async function moduleCases(modules: string[], tiles: RealTiles, runCpu: Runner, opts: { fusionGrid?: number } = {}): Promise<ModuleCase[]> {
  const cases: ModuleCase[] = [];
  const run = async (module: string, source: string, feeds: Record<string, ort.Tensor>) => {
    const r = await runCpu(module, feeds);
    cases.push({ module, source, feeds, cpu: r.outputs, cpuMs: r.ms });
    return r.outputs;
  };
  const has = (m: string) => modules.includes(m);
  const last = (o: Record<string, ort.Tensor>) => o[Object.keys(o).sort().at(-1)!];
  let s2Up: ort.Tensor | null = null;
  let s1Up: ort.Tensor | null = null;
  if (has('s2_encoder')) {
    const feat = last(await run('s2_encoder', tiles.source.s2, { image: tiles.s2 }));
    if (has('s2_up')) s2Up = (await run('s2_up', `s2_encoder(${tiles.source.s2}).feat_l3`, { feat })).up;
  }
  if (has('s1_encoder')) {
    const feat = last(await run('s1_encoder', tiles.source.s1, { image: tiles.s1 }));
    if (has('s1_up')) s1Up = (await run('s1_up', `s1_encoder(${tiles.source.s1}).feat_l3`, { feat })).up;
  }
  if (has('fusion') && s2Up) {
    const grid = opts.fusionGrid;
    const frames = (s1Up ? [s2Up, s1Up] : [s2Up]).map((f) => (grid ? centreCrop(f, grid) : f));
    const [, c, h, w] = frames[0].dims;
    const plane = c * h * w;
    const tokens = new Float32Array(frames.length * plane);
    frames.forEach((f, i) => tokens.set(f.data as Float32Array, i * plane));
    const doy = BigInt64Array.from(frames.map((_, i) => (i === 0 ? BigInt(tiles.s2Doy) : 0n)));
    const fused = (
      await run('fusion', `s2_up${s1Up ? ' + s1_up' : ''} frames${grid ? `, centre ${grid}x${grid}` : ''}, doy [${[...doy].join(', ')}]`, {
        tokens: new ort.Tensor('float32', tokens, [1, frames.length, c, h, w]),
        doy: new ort.Tensor('int64', doy, [1, frames.length]),
      })
    ).fused;
    if (has('geo_context')) {
      await run('geo_context', `fusion output at lat ${tiles.lat.toFixed(4)} lon ${tiles.lon.toFixed(4)}`, {
        fused,
        lat: new ort.Tensor('float32', Float32Array.from([tiles.lat]), [1]),
        lon: new ort.Tensor('float32', Float32Array.from([tiles.lon]), [1]),
      });
    }
  }
  return cases;
}

/** The centre g x g cells of a [1, C, H, W] map. */
function centreCrop(t: ort.Tensor, g: number): ort.Tensor {
  const [n, c, h, w] = t.dims;
  if (n !== 1 || g > h || g > w) throw new Error(`cannot crop [${t.dims}] to ${g}x${g}`);
  const y0 = Math.floor((h - g) / 2);
  const x0 = Math.floor((w - g) / 2);
  const src = t.data as Float32Array;
  const out = new Float32Array(c * g * g);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < g; y++) {
      const from = ch * h * w + (y0 + y) * w + x0;
      out.set(src.subarray(from, from + g), ch * g * g + y * g);
    }
  }
  return new ort.Tensor('float32', out, [1, c, g, g]);
}

/** The dynamic-axis sizes these feeds give, by the manifest's axis names (the warm-up shape). */
export function axesOf(manifest: Manifest, module: string, feeds: Record<string, ort.Tensor>): Record<string, number> {
  const axes: Record<string, number> = {};
  for (const input of manifest.modules[module].inputs) {
    input.shape.forEach((d, i) => {
      if (typeof d === 'string' && feeds[input.name]) axes[d] = feeds[input.name].dims[i];
    });
  }
  return axes;
}

// ------------------------------------------------------------------ the child process

export const CHILD = join(REPO, 'test', 'bench', 'provider-child.ts');
/** provider-child.ts sets the ORT log id of each placement session to this + the module name. */
export const PLACEMENT_TAG = 'skysense-placement:';

export interface Placement {
  /** Nodes per execution provider ('WebGpu', 'CPU', ...). */
  nodes: Record<string, number>;
  /** Op types per execution provider, where ORT listed them. */
  ops: Record<string, Record<string, number>>;
}

/**
 * Node placement per module from ORT's verbose "Node(s) placed on [X]. Number of nodes: N"
 * lines and the op lines under them, attributed by the session log id in each line.
 */
export function parsePlacement(stderr: string): Record<string, Placement> {
  const out: Record<string, Placement> = {};
  const tagged = new RegExp(`\\[V:onnxruntime:${PLACEMENT_TAG}([\\w.-]+), session_state\\.cc:\\d+ VerifyEachNodeIsAssignedToAnEp\\](.*)$`);
  const ep: Record<string, string> = {};
  for (const line of stderr.split('\n')) {
    const m = tagged.exec(line);
    if (!m) continue;
    const [, module, rest] = m;
    const place = (out[module] ??= { nodes: {}, ops: {} });
    const head = /^\s+(?:All nodes|Node\(s\)) placed on \[(\w+?)ExecutionProvider\]\. Number of nodes: (\d+)/.exec(rest);
    if (head) {
      ep[module] = head[1];
      place.nodes[head[1]] = (place.nodes[head[1]] ?? 0) + Number(head[2]);
      continue;
    }
    const node = /^\s{3,}(\w+) \(/.exec(rest);
    if (node && ep[module]) {
      const ops = (place.ops[ep[module]] ??= {});
      ops[node[1]] = (ops[node[1]] ?? 0) + 1;
    }
  }
  return out;
}

export interface ChildResult {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * `node --import tsx test/bench/provider-child.ts job.json` with `env`; async so the parent's own
 * work can overlap. The child's stderr goes to a file beside the job: ORT writes its log to fd 2
 * natively, and on a pipe (non-blocking under Node) lines are dropped when the reader falls behind.
 */
export function runChild(jobFile: string, env: NodeJS.ProcessEnv, timeoutMs = 300_000): Promise<ChildResult> {
  const t0 = performance.now();
  const errFile = `${jobFile}.stderr.txt`;
  const errFd = openSync(errFile, 'w');
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, jobFile], { cwd: REPO, env, stdio: ['ignore', 'pipe', errFd] });
    let stdout = '';
    child.stdout?.on('data', (d) => (stdout += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      closeSync(errFd);
      resolvePromise({ status, stdout, stderr: readFileSync(errFile, 'utf8'), ms: performance.now() - t0 });
    });
  });
}
