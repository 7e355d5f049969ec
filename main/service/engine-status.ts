/**
 * The `engine.status` command: the execution provider models run on, why each other one is
 * not used, and the installed models, for the UI's engine badge and panel. The provider probe
 * starts a small session per provider, so it runs once per engine (installed libraries and
 * GPU adapters do not change under a running program), in a worker thread so the serving
 * thread is not blocked while sessions start; the model folders are listed on every
 * call, because a user may drop a folder in while the app runs and listing is instant.
 */
import * as ort from 'onnxruntime-node';
import type { EngineStatus, InstalledModel } from '../api.ts';
import { probeProviders } from '../jobs/index.ts';
import type { ProviderReport } from '../model/index.ts';
import { defaultSearchDirs, findModels, type ModelEntry } from '../model/index.ts';
import { chosenProvider, gpuWarning, providerStatuses } from './provider-words.ts';

function installedModel(m: ModelEntry): InstalledModel {
  return {
    name: m.name,
    title: m.title,
    kind: m.kind,
    config: m.config,
    weights: m.weights?.kind ?? null,
    dir: m.dir,
    source: m.source,
    modules: m.modules.map(({ name, role, modality }) => ({ name, role, modality })),
    bytes: m.bytes,
    problems: m.problems,
    licence: m.licence ? { code: m.licence.code, weights: m.licence.weights } : null,
    head: m.head
      ? {
          task: m.head.task,
          classes: m.head.classes,
          encoder: { name: m.head.encoder.name, modality: m.head.encoder.modality },
          trainedOn: m.head.trainedOn,
          trainingLicence: m.head.trainingLicence,
          metrics: m.head.metrics,
        }
      : null,
    within: m.within,
  };
}

export interface EngineStatusSource {
  (): Promise<EngineStatus>;
}

/** `extraModelDirs` are searched after the application's and the user's folders. */
export function engineStatusSource(extraModelDirs: readonly string[] = []): EngineStatusSource {
  let probed: Promise<ProviderReport[]> | null = null;
  return async () => {
    probed ??= probeProviders().catch((err: unknown) => {
      probed = null; // a probe that threw (not one that found no GPU) is tried again next time
      throw err;
    });
    const [reports, listing] = await Promise.all([probed, findModels(defaultSearchDirs(extraModelDirs))]);
    const chosen = chosenProvider(reports);
    return {
      onnxruntime: ort.env.versions.node ?? ort.env.versions.common,
      platform: `${process.platform}/${process.arch}`,
      providers: providerStatuses(reports, chosen),
      provider: chosen,
      warning: gpuWarning(reports, chosen),
      models: listing.models.map(installedModel),
      searched: listing.searched,
    };
  };
}
