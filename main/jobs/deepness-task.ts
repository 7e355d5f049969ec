/** A Deepness model (`model: FILE.onnx`, no head) run as segment or detect from its own metadata. */
import type { JobRequest } from '../api.ts';
import { maskOption } from './series-inputs.ts';
import type { TaskHooks, TaskReport } from './task-report.ts';

export function isDeepness(r: JobRequest): boolean {
  return !!r.model && /\.onnx$/i.test(r.model) && !r.head;
}

export async function runDeepnessTask(r: JobRequest & { task: 'segment' | 'detect' }, { progress, signal }: TaskHooks): Promise<TaskReport> {
  const { runDeepness } = await import('../tasks/index.ts');
  const o = r.options ?? {};
  return runDeepness({
    task: r.task,
    model: r.model!,
    input: r.inputs.input!,
    out: r.out,
    bands: o.bands,
    threshold: r.task === 'segment' ? o.threshold : undefined,
    smallSegment: o.smallSegment,
    confidence: r.task === 'detect' ? o.threshold : undefined,
    iouThreshold: o.iou,
    providers: o.providers?.join(','),
    // A Deepness model's GSD is its `resolution` metadata; gsd native ignores it.
    resolutionCm: o.gsd === 'native' ? 'native' : undefined,
    mask: maskOption(r),
    shard: o.shard,
    progress,
    signal,
  }) as Promise<TaskReport>;
}
