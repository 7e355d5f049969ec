/**
 * What classify's two forms (one raster, a fused series) share: the options, the report and
 * its scene answer, and the tiling part of the report, one cell per grid x grid px tile.
 */
import type { ClassScheme, HeadReport, HeadRunOptions, SeriesInputOptions } from '../../heads/index.ts';
import type { DatedSeriesSummary, FusedInputReport } from '../../fusion/index.ts';
import type { RunTiledResult } from '../../tiler/index.ts';

export interface ClassifyOptions extends Omit<HeadRunOptions, 'overlap' | 'tile'>, SeriesInputOptions {
  /** The raster: one file, or the single-band files / folder of one scene (a fused head reads a series instead: s2 / s1 / hr). */
  inputs?: string[];
  /** Tile edge in input pixels, one answer per tile (default: the head's tile, else the encoder's). */
  grid?: number;
  /** Also write <out-stem>.prob.tif: every class's probability per tile. */
  probabilities?: boolean;
}

export interface SceneClass {
  value: number;
  name: string;
  /** Mean probability over the inferred tiles. */
  p: number;
}

export type ClassifyReport = HeadReport & {
  task: 'classify';
  grid: 'model';
  scene: {
    /** Tiles averaged (the inferred ones). */
    tiles: number;
    /** Every class, in the head's order. */
    probabilities: SceneClass[];
    /** The answer: the most probable class (softmax), or every class at or above the threshold (sigmoid). */
    labels: SceneClass[];
    rule: string;
  };
};

/** The tiling part of a classify report: one cell per `grid` x `grid` px tile, no overlap. */
export function cellTiling(grid: number, result: RunTiledResult, prepare: number, info: { width: number; height: number }) {
  return {
    tile: grid,
    overlap: 0,
    margin: 0,
    stride: grid,
    grid: 'model' as const,
    tiles: { inferred: result.tiles, skipped: result.skipped, total: result.total },
    timings: { ...result.timings, prepare },
    throughputMpxPerS: (info.width * Math.min(info.height, result.height * grid)) / 1e6 / (result.timings.total / 1000),
  };
}

export function sceneAnswer(s: ClassScheme, sums: Float64Array, tiles: number): ClassifyReport['scene'] {
  const mean = Array.from(sums, (v) => (tiles > 0 ? v / tiles : Number.NaN));
  if (s.kind === 'binary') {
    const p = mean[0];
    const probabilities = [
      { value: s.classes[0].value, name: s.classes[0].name, p: 1 - p },
      { value: s.classes[1].value, name: s.classes[1].name, p },
    ];
    return { tiles, probabilities, labels: tiles ? [probabilities[p >= s.threshold ? 1 : 0]] : [], rule: `binary: ${s.classes[1].name} where the mean probability >= ${s.threshold}` };
  }
  const probabilities = s.classes.map((c, i) => ({ value: c.value, name: c.name, p: mean[i] }));
  if (tiles === 0) return { tiles, probabilities, labels: [], rule: 'no tile holds data' };
  if (s.kind === 'softmax') {
    const best = probabilities.reduce((a, b) => (b.p > a.p ? b : a));
    return { tiles, probabilities, labels: [best], rule: 'softmax: the class with the highest mean probability' };
  }
  return {
    tiles,
    probabilities,
    labels: probabilities.filter((c) => c.p >= s.threshold).sort((a, b) => b.p - a.p),
    rule: `multi-label: every class whose mean probability >= ${s.threshold}`,
  };
}

export type ClassifySeriesReport = Omit<ClassifyReport, 'inputs'> & { series: DatedSeriesSummary; inputs: FusedInputReport[] };
