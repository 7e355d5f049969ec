// One ONNX Runtime session for one ONNX file, on the first execution provider that starts.
// Provider choice is a plain ordered list so the engine can put gpu providers first later
// (webgpu, cuda, dml, coreml) and still fall back to cpu; the provider that ran is returned
// because run reports must say where inference happened.
import * as ort from 'onnxruntime-node';
import { ApiError } from '../api.ts';

/** A provider name ('cpu', 'cuda', ...) or ORT's per-provider config object. */
export type ProviderChoice = ort.InferenceSession.ExecutionProviderConfig;

export interface SessionPlan {
  /** Tried in order; the first whose session starts wins. Default ['cpu']. */
  providers?: readonly ProviderChoice[];
  /** Threads inside one operator; undefined lets ORT use every core. */
  intraOpThreads?: number;
  interOpThreads?: number;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  provider: string;
  file: string;
}

function providerName(p: ProviderChoice): string {
  return typeof p === 'string' ? p : p.name;
}

export async function openSession(file: string, plan: SessionPlan = {}): Promise<OpenedSession> {
  const providers = plan.providers && plan.providers.length > 0 ? plan.providers : ['cpu'];
  const failures: string[] = [];
  for (const p of providers) {
    const options: ort.InferenceSession.SessionOptions = {
      executionProviders: [p],
      graphOptimizationLevel: 'all',
      ...(plan.intraOpThreads ? { intraOpNumThreads: plan.intraOpThreads } : {}),
      ...(plan.interOpThreads ? { interOpNumThreads: plan.interOpThreads } : {}),
    };
    try {
      const session = await ort.InferenceSession.create(file, options);
      return { session, provider: providerName(p), file };
    } catch (err) {
      failures.push(`${providerName(p)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new ApiError('E_CORRUPT', `${file}: ONNX Runtime could not load it (${failures.join('; ')})`, file);
}
