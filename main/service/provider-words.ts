/**
 * The provider report (main/model/provider-report.ts) in the words an analyst reads: which
 * provider the default order runs models on, where every other one stands, and one warning
 * sentence when a GPU is there but goes unused, the complaint users of other GIS AI plugins
 * make most ("the GPU sits idle and nothing says why"). Pure: the handler and tests feed it.
 */
import type { ProviderName, ProviderState, ProviderStatus } from '../api.ts';
import type { AdapterHint } from '../model/index.ts';
import type { ProviderReport } from '../model/index.ts';
import { DEFAULT_ORDER, GPU_PROVIDERS } from '../model/index.ts';

const LABEL: Record<ProviderName, string> = { cuda: 'CUDA', webgpu: 'WebGPU', dml: 'DirectML', coreml: 'CoreML', cpu: 'CPU' };

export function providerLabel(name: ProviderName): string {
  return LABEL[name];
}

/** What the default order ends up on: the first provider that is in it and whose probe ran. */
export function chosenProvider(reports: readonly ProviderReport[]): ProviderName | null {
  for (const name of DEFAULT_ORDER) {
    const r = reports.find((x) => x.name === name);
    if (r?.inDefaultOrder && r.starts) return name;
  }
  return null;
}

export function providerState(r: ProviderReport, chosen: ProviderName | null): ProviderState {
  if (!r.available) return 'unavailable';
  if (r.starts === false) return 'fails';
  if (r.name === chosen) return 'in-use';
  return r.inDefaultOrder ? 'standby' : 'skipped';
}

/** "SwiftShader", "lavapipe", or null when the hint names no software driver. */
function softwareDriver(adapter: AdapterHint | undefined): string | null {
  if (adapter?.kind !== 'software') return null;
  if (/swiftshader/i.test(adapter.detail)) return 'SwiftShader';
  if (/lavapipe|llvmpipe|lvp/i.test(adapter.detail)) return 'lavapipe';
  return 'a CPU Vulkan driver';
}

// Measured by `npm run bench provider`: 180-470x; said loosely so it does not go stale.
const SOFTWARE_SLOW = 'it is hundreds of times slower than cpu';

function summaryOf(r: ProviderReport, state: ProviderState, chosen: ProviderName | null): string {
  const gpu = GPU_PROVIDERS.has(r.name);
  switch (state) {
    case 'in-use':
      return gpu ? 'in use — models run on the GPU' : 'in use — models run on the CPU';
    case 'standby':
      return `ready — used when ${chosen ?? 'the provider in use'} cannot start a model`;
    case 'skipped': {
      const driver = softwareDriver(r.adapter);
      if (driver) return `software adapter (${driver}) — skipped by default, ${SOFTWARE_SLOW}; name webgpu as the provider to use it anyway`;
      return 'starts, but the default order leaves it out — name it as the provider to use it';
    }
    case 'fails':
      if (!gpu) return 'does not start — ONNX Runtime cannot run models in this install';
      if (r.adapter?.kind === 'software') {
        return /^no GPU device/.test(r.adapter.detail)
          ? 'does not start — no GPU adapter (this machine shows no GPU device)'
          : `does not start on its software adapter (${softwareDriver(r.adapter)})`;
      }
      return 'installed but does not start — this GPU is not used';
    case 'unavailable':
      if (r.name === 'cuda' && /^not installed/.test(r.reason ?? '')) {
        return 'not installed — install CUDA 12 + cuDNN 9 and the CUDA build of ONNX Runtime to use an NVIDIA GPU';
      }
      if (/ only \(/.test(r.reason ?? '')) return `not on this system — ${r.reason}`;
      return 'not available in this install';
  }
}

export function providerStatuses(reports: readonly ProviderReport[], chosen: ProviderName | null): ProviderStatus[] {
  return reports.map((r) => {
    const state = providerState(r, chosen);
    return { ...r, label: providerLabel(r.name), state, summary: summaryOf(r, state, chosen) };
  });
}

/**
 * One sentence when models do not run on a GPU although one is there: a GPU provider is
 * installed but does not start, or webgpu only has a software adapter. Null otherwise,
 * including on a machine that simply has no GPU provider.
 */
export function gpuWarning(reports: readonly ProviderReport[], chosen: ProviderName | null): string | null {
  if (chosen && GPU_PROVIDERS.has(chosen)) return null;
  const onCpu = chosen ? `models run on the ${providerLabel(chosen)}` : 'no provider starts, so no model can run';
  const failing = reports.filter((r) => GPU_PROVIDERS.has(r.name) && r.available && r.starts === false).map((r) => r.name);
  const software = reports.filter((r) => r.starts && softwareDriver(r.adapter)).map((r) => `${r.name} on ${softwareDriver(r.adapter)}`);
  const parts: string[] = [];
  if (failing.length) parts.push(`${failing.join(', ')} ${failing.length === 1 ? 'does' : 'do'} not start`);
  if (software.length) parts.push(`only a software GPU adapter (${software.join(', ')})`);
  if (!parts.length) return chosen ? null : `No GPU in use: ${onCpu}.`;
  return `No GPU in use: ${parts.join('; ')}; ${onCpu}.`;
}
