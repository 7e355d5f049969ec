/**
 * Colours for cluster maps: value v (1..254) gets a fixed colour, the same in every run,
 * so "cluster 3" looks the same across maps. The first twelve are picked by hand to be
 * far apart (and not black or white, which read as nodata or background); past those,
 * hues step by the golden angle with three lightness levels, which keeps neighbours in
 * value far apart in hue.
 */
const FIRST: [number, number, number][] = [
  [230, 25, 75], [60, 180, 75], [0, 130, 200], [255, 200, 25], [145, 30, 180], [70, 210, 230],
  [245, 130, 48], [240, 50, 230], [150, 110, 40], [0, 128, 128], [170, 255, 195], [128, 128, 0],
];

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** Colour of cluster value v (1-based). */
export function clusterColour(v: number): [number, number, number] {
  if (v >= 1 && v <= FIRST.length) return FIRST[v - 1];
  const i = v - FIRST.length;
  return hslToRgb((i * 137.50776) % 360, 0.75, [0.45, 0.62, 0.32][i % 3]);
}

/** Colour table for values 0..k (0 unused: black; nodata 255 is left black by the writer). */
export function clusterColourTable(k: number): [number, number, number][] {
  return [[0, 0, 0], ...Array.from({ length: k }, (_, i) => clusterColour(i + 1))];
}

export const hex = (rgb: [number, number, number]) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
