/**
 * A head on SkySense's fusion features (head manifest encoder.modality "fused"): the checks
 * of the head against its model's fusion module, made before any file of the series is read,
 * so that a head for the wrong module or stride is refused by name. segment, change and
 * classify open their fused heads here.
 */
import { ApiError } from '../api.ts';
import type { HeadManifest, ModelFolder, ModuleSpec } from '../model/index.ts';
import type { SeriesOptions } from '../fusion/index.ts';
import type { DenseHeadOptions } from './dense-head-run.ts';
import { headModelFolder, headModule, headTaps } from './head-setup.ts';

export type SeriesInputOptions = Pick<SeriesOptions, 's2' | 's1' | 'hr' | 'dates' | 's1Dates' | 'resample'> & {
  /** "Today" for the future-date check (default now). */
  now?: Date;
};

export interface FusedHead {
  head: HeadManifest;
  headDir: string;
  manifestPath: string;
  model: ModelFolder;
  moduleName: string;
  spec: ModuleSpec;
  outChannels: number | null;
  warnings: string[];
}

/** The checks of a fused head against its model's fusion module, before any file of the series is read. */
export async function openFusedHead(h: { dir: string; manifestPath: string; manifest: HeadManifest }, o: Pick<DenseHeadOptions, 'model' | 'providers'>): Promise<FusedHead> {
  const m = h.manifest;
  const model = await headModelFolder(h, o);
  try {
    const spec = headModule(h, model);
    if (spec.role !== 'fusion') {
      throw new ApiError('E_CORRUPT', `${h.manifestPath}: encoder: module "${m.encoder.module}" of ${model.manifestPath} is a ${spec.modality} ${spec.role}; a fused head reads the fusion module`, h.manifestPath);
    }
    headTaps(h, model, spec).forEach((out, i) => {
      const input = m.inputs[i];
      if ((out.stride ?? 1) !== 1) throw new ApiError('E_UNSUPPORTED', `${model.manifestPath}: modules.${m.encoder.module}.outputs: "${input.tap}" has stride ${out.stride}; fused heads read one feature per S2 pixel`, model.manifestPath);
    });
    const first = m.outputs[0];
    if (m.task === 'classify') {
      if (first.shape.length !== 2) throw new ApiError('E_CORRUPT', `${h.manifestPath}: outputs[0].shape: a classify head gives [batch, classes], not [${first.shape.join(', ')}]`, h.manifestPath);
    } else if (first.stride !== 1) {
      throw new ApiError('E_UNSUPPORTED', `${h.manifestPath}: outputs[0].stride: ${first.stride}: a fused head gives one value per fused feature (stride 1)`, h.manifestPath);
    }
    const warnings: string[] = [];
    if (model.manifest.name !== m.encoder.name) {
      warnings.push(`head "${m.name}" was trained on encoder "${m.encoder.name}"; it runs here on "${model.manifest.name}" (${model.dir}): its classes may mean little`);
    }
    const k = first.shape[1];
    return { head: m, headDir: h.dir, manifestPath: h.manifestPath, model, moduleName: m.encoder.module, spec, outChannels: typeof k === 'number' ? k : null, warnings };
  } catch (err) {
    await model.close();
    throw err;
  }
}

