// What a head trained on these labels will do, read from what the labels belong to: one
// raster -> segment, a before/after pair -> change, a series -> segment on a series (a fused
// head). The panel shows it read-only with this reason, since the labels decide it, not a field.
import type { JobTask, LabelTarget } from '../../../main/api.ts';
import { baseName } from './open-action.ts';

export interface TrainTask {
  task: Extract<JobTask, 'segment' | 'change'>;
  series: boolean;
  /** The task as the panel words it: "segment", "change", "segment on a series". */
  label: string;
  reason: string;
}

export function trainTaskOf(target: LabelTarget): TrainTask {
  switch (target.kind) {
    case 'raster':
      return { task: 'segment', series: false, label: 'segment', reason: `the labels belong to one raster (${baseName(target.paths[0])})` };
    case 'pair':
      return {
        task: 'change', series: false, label: 'change',
        reason: `the labels belong to a before/after pair (${baseName(target.before[0])} → ${baseName(target.after[0])})`,
      };
    case 'series': {
      const n = (target.series.s2?.length ?? 0) + (target.series.s1?.length ?? 0);
      return { task: 'segment', series: true, label: 'segment on a series', reason: `the labels belong to a series of ${n} dates (a fused head)` };
    }
  }
}

/** The rasters the labels lie on, as the first one's name for output files. */
export function targetName(target: LabelTarget): string {
  const first = target.kind === 'raster' ? target.paths[0] : target.kind === 'pair' ? target.after[0] : (target.series.s2?.[0] ?? target.series.s1?.[0] ?? 'series');
  return baseName(first);
}
