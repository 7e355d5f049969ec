/**
 * The engine behind both transports: one handler per command of main/api.ts. The
 * transports validate input (dispatch.ts) before anything here runs.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiError, type EngineEvents, type Handlers } from '../api.ts';
import { JobQueue } from '../jobs/index.ts';
import { resolveModelRef } from '../model/index.ts';
import { bandStats, openRaster, rasterInfo } from '../raster/index.ts';
import { exportCog, exportVector, writePng } from '../export/index.ts';
import { keepHead, runTrainJob } from '../train/index.ts';
import { exportLabels, importLabels, labelStats, loadLabels, saveLabels } from '../labels/index.ts';
import { appInfo } from './app-info.ts';
import { listDirectory } from './dir-listing.ts';
import { engineStatusSource } from './engine-status.ts';
import { displayCacheDirOf, openLayer } from './layer-open.ts';
import { pixelAt } from './layer-pixel.ts';
import { LayerRegistry } from './layer-registry.ts';
import { readVectorForDisplay } from '../vector/index.ts';
import { classAreas } from './class-areas.ts';
import { jobReport } from './job-report.ts';
import { layerAcquisition } from './layer-acquisition.ts';
import { readProjectFile, RecentProjects, RestoredJobs, writeProjectFile } from '../project/index.ts';

export interface ServiceOptions {
  cacheDir: string;
  transport: 'electron' | 'host';
  /** Shortcut folders the open dialog offers; defaults to the home folder. */
  dataRoots?: string[];
  /** Model folders to list besides the application's and the user's (engine.status). */
  modelDirs?: string[];
}

/** Handlers plus what a transport needs beyond the commands (and the job events it forwards). */
export type Service = Handlers & EngineEvents & {
  /** Resolves data paths to the files of open layers (the transports serve only these). */
  readonly layers: LayerRegistry;
  /** Cancels the jobs and closes every layer (on shutdown). */
  close(): Promise<void>;
};

export function createHandlers(opts: ServiceOptions): Service {
  const layers = new LayerRegistry();
  const dataRoots = opts.dataRoots ?? [homedir()];
  const displayDir = displayCacheDirOf(opts.cacheDir);
  const engineStatus = engineStatusSource(opts.modelDirs);
  const jobs = new JobQueue();
  const recent = new RecentProjects(opts.cacheDir);
  const restoredJobs = new RestoredJobs();
  // The list is a convenience: a cache folder that cannot be written never fails a save or an open.
  const remember = (path: string) => recent.add(path).catch(() => undefined);

  return {
    layers,
    close: async () => {
      await jobs.close();
      await layers.closeAll();
    },
    onJob: (listener) => jobs.onJob(listener),
    'app.info': async () => appInfo(opts.transport, dataRoots, join(opts.cacheDir, 'outputs')),
    'fs.list': async ({ dir }) => listDirectory(dir),
    'dialog.open': async () => {
      throw new ApiError('E_UNSUPPORTED', 'no native open dialog in the browser host: use the in-app file list');
    },
    'dialog.save': async () => {
      throw new ApiError('E_UNSUPPORTED', 'no native save dialog in the browser host: use the in-app file list');
    },
    'raster.info': async ({ paths }) => rasterInfo(paths.map((p) => resolve(p))),
    'layer.open': async ({ paths }, ctx) => openLayer(paths, ctx, layers, displayDir),
    'layer.close': async ({ id }) => ({ closed: await layers.remove(id) }),
    'layer.list': async () => ({ layers: layers.list() }),
    'layer.pixel': async ({ id, coordinate }, ctx) => pixelAt(layers.get(id).raster, coordinate, ctx.signal),
    'layer.stats': async ({ id, bands }) => {
      const { raster } = layers.get(id);
      const count = raster.info.bandCount;
      const bad = bands?.find((b) => b > count);
      if (bad !== undefined) throw new ApiError('E_BAD_REQUEST', `layer "${id}" has ${count} bands; band ${bad} does not exist`);
      return { bands: await bandStats(raster, bands) };
    },
    'engine.status': async () => engineStatus(),
    'job.start': async (args) => jobs.start(args),
    'job.cancel': async ({ id }) => jobs.cancel(id),
    'job.list': async () => ({ jobs: jobs.list() }),
    'job.report': async ({ id }) => jobReport(restoredJobs.get(id) ?? jobs.get(id)),
    'layer.acquisition': async ({ id }) => layerAcquisition(layers.get(id).raster),
    // -- reviewing results
    'layer.classAreas': async ({ id }, ctx) => classAreas(layers.get(id).raster, ctx.signal),
    'vector.read': async ({ path, table }) => readVectorForDisplay(path, table),
    // -- export
    'export.raster': async ({ id, path, out }, ctx) => {
      if (id !== undefined) return exportCog(layers.get(id).raster, out, ctx);
      const raster = await openRaster([resolve(path!)]);
      try {
        return await exportCog(raster, out, ctx);
      } finally {
        await raster.close();
      }
    },
    'export.vector': async ({ path, table, out }) => exportVector(path, out, table),
    'export.png': async ({ out, png }) => writePng(out, png),
    // -- projects
    'project.save': async ({ path, project }) => {
      const saved = await writeProjectFile(path, project);
      await remember(saved.path);
      return saved;
    },
    'project.open': async ({ path }) => {
      const opened = await readProjectFile(path);
      restoredJobs.add(opened.project.jobs);
      await remember(opened.path);
      return opened;
    },
    'project.recent': async () => ({ projects: await recent.list() }),
    // -- labels and training in the window
    'labels.save': async ({ path, set }) => saveLabels(path, set),
    'labels.load': async ({ path }) => loadLabels(path),
    'labels.import': async ({ path, target, classField, layer }) => importLabels(path, target, classField, layer),
    'labels.export': async ({ path, set }) => exportLabels(path, set),
    'labels.stats': async ({ set }) => labelStats(set),
    'job.train': async (request) => jobs.startTrain(request, opts.cacheDir),
    'train.cancel': async ({ id }) => {
      const task = jobs.get(id).task;
      if (task !== 'train') throw new ApiError('E_BAD_REQUEST', `job "${id}" is not a training (its task is ${task}); cancel it with job.cancel`);
      return jobs.cancel(id);
    },
    'head.save': async ({ head, name, title, description }) => keepHead(head, { name, title, description }),
    'train.start': async (args, ctx) => {
      const r = await runTrainJob({ ...args, model: await resolveModelRef(args.model, 'encoder', 'model'), cacheDir: opts.cacheDir }, { signal: ctx.signal, onProgress: (stage, done, total, message) => ctx.progress(stage, done, total, message) });
      return {
        head: r.head,
        samples: { train: r.samples.train, val: r.samples.val },
        epochs: { run: r.epochs.run, best: r.epochs.best, seconds: r.epochs.seconds },
        features: { cached: r.features.cached, seconds: r.features.seconds },
        validation: r.validation,
        ...(r.detection ? { mAP50: r.detection.mAP50 } : {}),
      };
    },
  };
}
