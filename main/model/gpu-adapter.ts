// What kind of GPU adapter the webgpu provider will get, told before any session starts.
// onnxruntime-node does not expose Dawn's adapter info, so this reads the evidence the OS
// leaves: which Vulkan drivers are named (SwiftShader and lavapipe are CPU rasterisers) and
// whether any GPU device node exists. It matters because webgpu on a software adapter is
// two to three orders of magnitude slower than the cpu provider (measured: test/bench/
// provider-latency.bench.ts), so the default order must not pick it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join } from 'node:path';

export type AdapterKind = 'hardware' | 'software' | 'unknown';

export interface AdapterHint {
  kind: AdapterKind;
  /** Where the verdict comes from, in words a user can act on. */
  detail: string;
}

/** The inputs the verdict reads; tests pass their own, the engine passes the process's. */
export interface HostView {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  exists(path: string): boolean;
  list(dir: string): string[];
  read(path: string): string;
}

export const THIS_HOST: HostView = {
  platform: process.platform,
  env: process.env,
  exists: existsSync,
  list: (dir) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
  read: (path) => readFileSync(path, 'utf8'),
};

const SOFTWARE_DRIVER = /swiftshader|lvp|lavapipe|llvmpipe/i;

function softwareName(libraryPath: string): string {
  return /swiftshader/i.test(libraryPath) ? 'SwiftShader' : 'lavapipe';
}

/** Vulkan's loader reads these variables (newest name first) instead of the system ICD folders. */
function namedIcdFiles(env: NodeJS.ProcessEnv): { variable: string; files: string[] } | null {
  for (const variable of ['VK_DRIVER_FILES', 'VK_ICD_FILENAMES']) {
    const v = env[variable];
    if (v && v.trim()) return { variable, files: v.split(delimiter).filter(Boolean) };
  }
  return null;
}

/** library_path of an ICD manifest, resolved against the manifest's folder; the file name when unreadable. */
function icdLibrary(host: HostView, icdFile: string): string {
  try {
    const lib = (JSON.parse(host.read(icdFile)) as { ICD?: { library_path?: string } }).ICD?.library_path ?? '';
    if (!lib) return basename(icdFile);
    return isAbsolute(lib) || !lib.includes('/') ? lib : join(dirname(icdFile), lib);
  } catch {
    return basename(icdFile);
  }
}

const GPU_NODES = ['/dev/nvidia0', '/dev/dxg', '/dev/kfd'];

function gpuDeviceNode(host: HostView): string | null {
  const render = host.list('/dev/dri').find((e) => e.startsWith('renderD'));
  if (render) return `/dev/dri/${render}`;
  return GPU_NODES.find((p) => host.exists(p)) ?? null;
}

export function webgpuAdapterHint(host: HostView = THIS_HOST): AdapterHint {
  if (host.platform !== 'linux') {
    // Dawn uses D3D12 / Metal there and asks for the default adapter, which is a real GPU
    // whenever one exists; nothing cheap tells a remote-desktop WARP device apart.
    return { kind: 'unknown', detail: `no adapter check on ${host.platform}` };
  }
  const named = namedIcdFiles(host.env);
  if (named) {
    const libs = named.files.map((f) => icdLibrary(host, f));
    if (libs.length > 0 && libs.every((l) => SOFTWARE_DRIVER.test(l))) {
      return { kind: 'software', detail: `${softwareName(libs[0])} (CPU Vulkan driver named by ${named.variable})` };
    }
    return { kind: 'hardware', detail: `Vulkan driver named by ${named.variable}: ${libs.join(', ')}` };
  }
  const node = gpuDeviceNode(host);
  if (node) return { kind: 'hardware', detail: `GPU device ${node}` };
  // Without a device node only a CPU driver (lavapipe, SwiftShader) can answer Dawn's request.
  return { kind: 'software', detail: 'no GPU device (/dev/dri/renderD*, /dev/nvidia0, /dev/dxg): only a CPU Vulkan driver could serve webgpu' };
}

const LOADER = 'libvulkan.so.1';
const LOADER_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib', '/lib/x86_64-linux-gnu', '/lib64'];

/**
 * On Linux Dawn loads the Vulkan loader by name; without it webgpu can only say "no adapter".
 * Returns a sentence to add to that reason, or null when a loader is found (or not Linux).
 */
export function missingVulkanLoader(host: HostView = THIS_HOST): string | null {
  if (host.platform !== 'linux') return null;
  const dirs = [...(host.env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean), ...LOADER_DIRS];
  if (dirs.some((d) => host.exists(join(d, LOADER)))) return null;
  return `no Vulkan loader (${LOADER}) on this system: install your GPU driver's Vulkan support (Debian/Ubuntu: libvulkan1)`;
}
