/**
 * The run report of a head task (segment, change, classify), written next to the output as
 * <out>.report.json: which head ran on which encoder and what it was trained on (so a map
 * can be judged by its provenance), where inference ran, the tiling, timings, the ground
 * area per class, every output file, and warnings such as a head trained on other encoder
 * weights.
 */
import type { Fallback, HeadTask } from '../model/index.ts';
import type { StageTimings } from '../tiler/index.ts';
import type { ReportInput } from '../inputs/index.ts';
import type { ClassTally } from './class-output.ts';
import type { HeadSessions, HeadSetup } from './head-setup.ts';

export interface HeadReportHead {
  dir: string;
  name: string;
  title: string;
  task: HeadTask;
  activation: 'softmax' | 'sigmoid';
  threshold: number | null;
  /** training.data of the head manifest. */
  trainedOn: string;
  trainingLicence: string;
  metrics: Record<string, number> | null;
  evaluatedOn: string | null;
  licence: { code: string; weights: string };
  encoder: { name: string; module: string; modality: string; weightsSha256: string | null };
}

export interface HeadReportOutput {
  path: string;
  role: 'classes' | 'probabilities';
  width: number;
  height: number;
  bands: number;
  dataType: 'Byte' | 'Float32';
  nodata: string;
  geoTransformNote: string;
}

export interface HeadReport {
  task: 'segment' | 'change' | 'classify';
  head: HeadReportHead;
  model: { dir: string; name: string; weights: string; module: string; taps: string[] };
  /** One input, or date a then date b for change. */
  inputs: (ReportInput & { date?: 'a' | 'b' })[];
  /** Where the encoder ran (nearly all the time); the head's provider is headProvider. */
  provider: string;
  headProvider: string;
  fallbacks: Fallback[];
  tile: number;
  overlap: number;
  margin: number;
  /** Input pixels per output pixel of the written rasters. */
  stride: number;
  /** 'input': the input's own pixels; 'model': the head's output grid (the geotransform scaled by stride). */
  grid: 'input' | 'model';
  tiles: { inferred: number; skipped: number; total: number };
  timings: StageTimings & { prepare: number };
  throughputMpxPerS: number;
  classes: ClassTally[];
  area: { method: 'planar' | 'ellipsoid' | 'none'; note: string };
  outputs: HeadReportOutput[];
  warnings: string[];
}

export function reportHead(s: Pick<HeadSetup, 'headDir' | 'head'>): HeadReportHead {
  const h = s.head;
  return {
    dir: s.headDir,
    name: h.name,
    title: h.title,
    task: h.task,
    activation: h.activation,
    threshold: h.threshold ?? (h.activation === 'sigmoid' ? 0.5 : null),
    trainedOn: h.training.data,
    trainingLicence: h.training.licence,
    metrics: h.training.metrics ?? null,
    evaluatedOn: h.training.evaluatedOn ?? null,
    licence: h.licence,
    encoder: { ...h.encoder },
  };
}

export function reportModel(s: HeadSetup): HeadReport['model'] {
  return { dir: s.model.dir, name: s.model.manifest.name, weights: s.model.manifest.provenance.weights, module: s.moduleName, taps: s.taps };
}

export function reportProviders(x: HeadSessions): Pick<HeadReport, 'provider' | 'headProvider' | 'fallbacks'> {
  return {
    provider: x.encoder.provider,
    headProvider: x.head.session.provider,
    fallbacks: [...x.encoder.fallbacks, ...x.head.session.fallbacks.map((f) => ({ ...f, reason: `head: ${f.reason}` }))],
  };
}
