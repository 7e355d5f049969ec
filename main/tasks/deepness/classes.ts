/**
 * Class lists of a Deepness segmentation head: value (written to the class raster), name
 * and colour. A sigmoid head (one channel) gets two classes, "background" put in front of
 * its one name, as the plugin does; a softmax head one class per channel. Names come from
 * class_names[head] where present, else channel_<i> (the plugin's fallback).
 */
import type { RasterHead } from './model-io.ts';

export interface ClassEntry {
  value: number;
  name: string;
  color: [number, number, number];
}

/** Distinct colours for classes 1..; background (value 0 of a sigmoid head) is black. */
const PALETTE: [number, number, number][] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

function paletteColor(i: number): [number, number, number] {
  const base = PALETTE[i % PALETTE.length];
  // Past the palette's length, darken each round so repeats stay distinguishable.
  const f = 1 / (1 + Math.floor(i / PALETTE.length) * 0.5);
  return [Math.round(base[0] * f), Math.round(base[1] * f), Math.round(base[2] * f)];
}

export function headClasses(head: RasterHead, names: string[] | undefined, warnings: string[], file: string, index: number): ClassEntry[] {
  if (head.channels === 1) {
    if (names && names.length !== 1) warnings.push(`${file}: class_names for head ${index} lists ${names.length} names for a one-channel (sigmoid) output; the first is used`);
    return [
      { value: 0, name: 'background', color: [0, 0, 0] },
      { value: 1, name: names?.[0] ?? 'channel_0', color: paletteColor(0) },
    ];
  }
  if (names && names.length !== head.channels) {
    warnings.push(`${file}: class_names for head ${index} lists ${names.length} names for ${head.channels} channels; the others are named channel_<i>`);
  }
  return Array.from({ length: head.channels }, (_, c) => ({ value: c, name: names?.[c] ?? `channel_${c}`, color: paletteColor(c) }));
}
