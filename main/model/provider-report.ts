// What `skysense models` (and the UI's settings) show about execution providers: for each
// one, whether this platform and install offer it, whether it actually starts here (a probe
// session on a one-node graph, run once), what adapter webgpu gets, whether it can run
// float16 maths, and whether the default order would use it. Probing is done once per
// process: adapters and installed libraries do not change under a running program.
import * as ort from 'onnxruntime-node';
import { webgpuAdapterHint, missingVulkanLoader, type AdapterHint } from './gpu-adapter.ts';
import { addModel, type ProbeDtype } from './probe-model.ts';
import { DEFAULT_ORDER, PROVIDER_NAMES, providerAvailability, type ProviderName } from './providers.ts';
import { conciseReason } from './session.ts';

export interface ProviderReport {
  name: ProviderName;
  /** Offered by this platform and this install of onnxruntime-node. */
  available: boolean;
  /** A probe session started and ran (undefined when not probed or not available). */
  starts?: boolean;
  /** Why not available or why the probe failed; for webgpu on a software adapter, that. */
  reason?: string;
  /** webgpu: what kind of adapter serves it. */
  adapter?: AdapterHint;
  /** The probe also ran a float16 graph (webgpu needs the adapter's shader-f16). */
  fp16Compute?: boolean;
  /** Tried when the user names no provider. */
  inDefaultOrder: boolean;
  probeMs?: number;
}

async function runsProbe(name: ProviderName, dtype: ProbeDtype): Promise<{ ok: true } | { ok: false; reason: string }> {
  let session: ort.InferenceSession | null = null;
  try {
    session = await ort.InferenceSession.create(addModel(dtype, [4]), { executionProviders: [name], logSeverityLevel: 4 });
    const data = dtype === 'float16' ? new Uint16Array([0x3c00, 0x4000, 0, 0xbc00]) : Float32Array.from([1, 2, 0, -1]);
    const out = await session.run({ x: new ort.Tensor(dtype, data, [4]) });
    // 1+1 = 2 in either encoding: float32 2, float16 bits 0x4000.
    const first = (out.y.data as ArrayLike<number>)[0];
    if (first !== (dtype === 'float16' ? 0x4000 : 2)) return { ok: false, reason: `probe returned ${first} for 1 + 1` };
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: conciseReason(err) };
  } finally {
    await session?.release();
  }
}

async function probe(name: ProviderName): Promise<ProviderReport> {
  const avail = providerAvailability(name);
  const adapter = name === 'webgpu' ? webgpuAdapterHint() : undefined;
  const softwareWebgpu = adapter?.kind === 'software';
  const report: ProviderReport = { name, available: avail.available, inDefaultOrder: avail.available && !softwareWebgpu, ...(adapter ? { adapter } : {}) };
  if (!avail.available) return { ...report, reason: avail.reason };
  // Without a Vulkan loader Dawn finds no adapter on Linux, and trying prints its own warning
  // (with a C++ source path) into the user's terminal: say why instead of trying.
  const noLoader = name === 'webgpu' ? missingVulkanLoader() : null;
  if (noLoader) return { ...report, starts: false, inDefaultOrder: false, reason: noLoader, probeMs: 0 };
  const t0 = performance.now();
  const f32 = await runsProbe(name, 'float32');
  if (!f32.ok) {
    const loader = name === 'webgpu' && /adapter/i.test(f32.reason) ? missingVulkanLoader() : null;
    return { ...report, starts: false, inDefaultOrder: false, reason: loader ? `${f32.reason}; ${loader}` : f32.reason, probeMs: performance.now() - t0 };
  }
  const f16 = await runsProbe(name, 'float16');
  return {
    ...report,
    starts: true,
    fp16Compute: f16.ok,
    ...(softwareWebgpu ? { reason: 'software adapter: slower than cpu, so used only when named' } : {}),
    probeMs: performance.now() - t0,
  };
}

let probed: Promise<ProviderReport[]> | null = null;

/**
 * Every provider SkySense knows, in default-order position. `probe: false` gives the static
 * part only (no session is created); the probed answer is computed once per process.
 */
export function describeProviders(opts: { probe?: boolean } = {}): Promise<ProviderReport[]> {
  const order = (a: ProviderReport, b: ProviderReport) => DEFAULT_ORDER.indexOf(a.name) - DEFAULT_ORDER.indexOf(b.name);
  if (opts.probe === false) {
    return Promise.resolve(
      PROVIDER_NAMES.map((name) => {
        const a = providerAvailability(name);
        const adapter = name === 'webgpu' ? webgpuAdapterHint() : undefined;
        return {
          name,
          available: a.available,
          inDefaultOrder: a.available && adapter?.kind !== 'software',
          ...(a.reason ? { reason: a.reason } : {}),
          ...(adapter ? { adapter } : {}),
        };
      }).sort(order),
    );
  }
  // Sequential on purpose: providers share one native runtime and the GPU device.
  probed ??= (async () => {
    const out: ProviderReport[] = [];
    for (const name of PROVIDER_NAMES) out.push(await probe(name));
    return out.sort(order);
  })();
  return probed;
}

/** One line per provider, for the CLI. */
export function formatProviderReport(reports: readonly ProviderReport[]): string[] {
  return reports.map((r) => {
    const state = !r.available ? 'not available' : r.starts === false ? 'does not start' : r.starts ? 'starts' : 'available';
    const extras = [
      r.adapter ? `adapter ${r.adapter.kind}: ${r.adapter.detail}` : '',
      r.fp16Compute !== undefined ? `fp16 maths ${r.fp16Compute ? 'yes' : 'no'}` : '',
      r.inDefaultOrder ? 'in default order' : '',
      r.reason ?? '',
    ].filter(Boolean);
    return `${r.name.padEnd(7)} ${state}${extras.length ? ` (${extras.join('; ')})` : ''}`;
  });
}
