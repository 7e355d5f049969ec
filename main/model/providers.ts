// The execution providers SkySense knows, which of them this platform and this install of
// onnxruntime-node can offer, and the order they are tried in.
//
// Default order (used when the user names none): cuda, webgpu, dml, coreml, cpu, keeping
// only those available here.
// - cuda first: it is never bundled, so it is only there when the user installed it on
//   purpose, and on NVIDIA it has the widest op coverage and the fastest kernels.
// - webgpu next: bundled on Linux, Windows and macOS, so one path serves every GPU vendor,
//   and it is the GPU path CI runs (Chromium's SwiftShader). When no adapter exists it
//   fails in about a millisecond, so GPU-first costs nothing on a machine without one.
// - dml (Windows) and coreml (macOS) after webgpu: DirectML is in sustained engineering,
//   and CoreML takes few nodes of graphs with dynamic axes (ours all have them), splitting
//   the graph into many pieces; both stay as fallbacks before cpu.
// - cpu last, always there.
// A webgpu adapter that is a CPU rasteriser (SwiftShader, lavapipe) is skipped by the
// default order, with that reason reported: it runs hundreds of times slower than cpu.
// Naming webgpu explicitly still uses it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ApiError } from '../api.ts';

export const PROVIDER_NAMES = ['webgpu', 'cuda', 'dml', 'coreml', 'cpu'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export const DEFAULT_ORDER: readonly ProviderName[] = ['cuda', 'webgpu', 'dml', 'coreml', 'cpu'];

/** Providers that run on a GPU (or NPU); the rest of the engine treats them alike. */
export const GPU_PROVIDERS: ReadonlySet<ProviderName> = new Set(['webgpu', 'cuda', 'dml', 'coreml']);

/** A provider name or ORT's per-provider config object ({ name: 'cuda', deviceId: 1 }). */
export type ProviderChoice = ort.InferenceSession.ExecutionProviderConfig;

export function isProviderName(s: string): s is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(s);
}

export function choiceName(p: ProviderChoice): string {
  return typeof p === 'string' ? p : p.name;
}

export function unknownProviderMessage(name: string): string {
  return `unknown provider "${name}" (known: ${PROVIDER_NAMES.join(', ')})`;
}

/**
 * A user's preference as typed (CLI `--provider webgpu,cpu`, a settings field): names in order,
 * comma or space separated. Empty or "auto" means the default order (returns undefined).
 * `source` names where the text came from in the error.
 */
export function parseProviderList(text: string | readonly string[], source = '--provider'): ProviderName[] | undefined {
  const items = (typeof text === 'string' ? text.split(/[\s,]+/) : text).map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (items.length === 0 || (items.length === 1 && items[0] === 'auto')) return undefined;
  const out: ProviderName[] = [];
  for (const item of items) {
    if (item === 'auto') throw new ApiError('E_BAD_REQUEST', `${source}: "auto" stands alone (it means the default order)`);
    if (!isProviderName(item)) throw new ApiError('E_BAD_REQUEST', `${source}: ${unknownProviderMessage(item)}`);
    if (out.includes(item)) throw new ApiError('E_BAD_REQUEST', `${source}: "${item}" is listed twice`);
    out.push(item);
  }
  return out;
}

export interface Availability {
  name: ProviderName;
  available: boolean;
  /** Why not, and what would make it available. */
  reason?: string;
}

const require = createRequire(import.meta.url);

/** The folder onnxruntime-node loads its native libraries from. */
export function ortBinaryDir(): string {
  const pkg = require.resolve('onnxruntime-node/package.json');
  return join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
}

const CUDA_LIBRARY: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'libonnxruntime_providers_cuda.so',
  win32: 'onnxruntime_providers_cuda.dll',
};

const CUDA_INSTALL =
  'ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js (needs the internet once; ' +
  'at run time CUDA 12 and cuDNN 9 must be installed)';

const PLATFORM_OF: Partial<Record<ProviderName, NodeJS.Platform>> = { dml: 'win32', coreml: 'darwin' };
const PLATFORM_WORD: Partial<Record<NodeJS.Platform, string>> = { win32: 'Windows', darwin: 'macOS', linux: 'Linux' };

let backends: { name: string; bundled: boolean }[] | null = null;
function supportedBackends(): { name: string; bundled: boolean }[] {
  backends ??= ort.listSupportedBackends();
  return backends;
}

/** Static availability: platform rules, what onnxruntime-node bundles, and what the user installed. */
export function providerAvailability(name: ProviderName): Availability {
  if (name === 'cpu') return { name, available: true };
  const only = PLATFORM_OF[name];
  if (only && only !== process.platform) {
    return { name, available: false, reason: `${PLATFORM_WORD[only]} only (this is ${PLATFORM_WORD[process.platform] ?? process.platform})` };
  }
  const entry = supportedBackends().find((b) => b.name === name);
  if (name === 'cuda') {
    const lib = CUDA_LIBRARY[process.platform];
    if (!entry || !lib) return { name, available: false, reason: `onnxruntime-node has no CUDA build for ${process.platform}/${process.arch}` };
    if (entry.bundled || existsSync(join(ortBinaryDir(), lib))) return { name, available: true };
    return { name, available: false, reason: `not installed (${lib} is not in ${ortBinaryDir()}): ${CUDA_INSTALL}` };
  }
  if (!entry) return { name, available: false, reason: `not in this onnxruntime-node build for ${process.platform}/${process.arch}` };
  return { name, available: true };
}

