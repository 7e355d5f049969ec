/**
 * What the Labels and Train head panels show of a label set: per class its labels, pixels
 * and ground area on the target raster, the labels that miss the raster, and the problems
 * that would stop a training, each saying what to draw or fix. job.train refuses a set with
 * problems, so the panel's warning and the engine's refusal are the same words.
 */
import type { LabelSet, LabelStatsReply, RasterInfo } from '../api.ts';
import { pixelOf } from '../raster/index.ts';
import { linearUnitMetres } from '../vector/index.ts';
import { coveredPixels } from './label-coverage.ts';
import { targetRaster } from './label-target.ts';

/** Labels a class needs so that spatial blocks can hold some back for validation. */
const MIN_LABELS_PER_CLASS = 3;

type XY = [number, number];

export function statsOn(info: RasterInfo, set: LabelSet): LabelStatsReply {
  const { width: W, height: H } = info;
  const gt = info.geoTransform;
  const metres = info.crs ? linearUnitMetres(info.crs) : null;
  const pixelArea = metres === null ? null : Math.abs(gt[1] * gt[5] - gt[2] * gt[4]) * metres * metres;
  const toPixel = (p: readonly number[]) => pixelOf(info, [p[0], p[1]]) as XY;
  let outside = 0;
  const classes = set.classes.map((c) => {
    const own = set.features.filter((f) => f.class === c.name);
    const polygons: XY[][][] = [];
    const points: XY[] = [];
    let onRaster = 0;
    for (const f of own) {
      const px = f.coordinates.map(toPixel);
      const poly = f.shape === 'point' ? [] : [[px]];
      const pt = f.shape === 'point' ? px : [];
      if (coveredPixels(poly, pt, W, H) === 0) outside++;
      else onRaster++;
      polygons.push(...poly);
      points.push(...pt);
    }
    const pixels = coveredPixels(polygons, points, W, H);
    return { name: c.name, features: own.length, onRaster, pixels, areaM2: pixelArea === null ? null : pixels * pixelArea };
  });
  const problems: string[] = [];
  const labelled = classes.filter((c) => c.onRaster > 0);
  if (set.classes.length < 2) problems.push(`Training needs at least two classes; ${set.classes.length === 0 ? 'add two' : 'add one more'} and draw labels of each.`);
  else if (labelled.length === 0) problems.push('No labels on the raster yet: draw labels of at least two classes.');
  else if (labelled.length === 1) problems.push(`Only "${labelled[0].name}" has labels: draw labels of at least one more class.`);
  for (const c of classes) {
    if (c.onRaster === 0 && labelled.length > 0) problems.push(`"${c.name}" has no labels on the raster: draw some, or delete the class.`);
    else if (c.onRaster > 0 && c.onRaster < MIN_LABELS_PER_CLASS) problems.push(`"${c.name}" has ${c.onRaster} label${c.onRaster === 1 ? '' : 's'}: draw at least ${MIN_LABELS_PER_CLASS}, spread over the scene, so some can be kept for validation.`);
  }
  if (outside > 0) problems.push(`${outside} label${outside === 1 ? ' lies' : 's lie'} outside ${info.path} and cover${outside === 1 ? 's' : ''} none of its pixels: move or delete ${outside === 1 ? 'it' : 'them'}.`);
  return { classes: classes.map(({ onRaster: _, ...c }) => c), outside, problems };
}

export async function labelStats(set: LabelSet): Promise<LabelStatsReply> {
  return statsOn(await targetRaster(set.target), set);
}
