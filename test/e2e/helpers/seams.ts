// Finds gaps in a drawn raster: a column or row inside the layer's on-screen footprint
// where the map's background shows through (a reprojection seam), from a real screenshot.
import { PNG } from 'pngjs';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Lines (x = n or y = n, page pixels) where at least `share` of the pixels are background. */
export function backgroundLines(png: Buffer, box: Box, background: [number, number, number], share = 0.3): string[] {
  const img = PNG.sync.read(png);
  const isBg = (x: number, y: number) => {
    const i = (y * img.width + x) * 4;
    return (
      Math.abs(img.data[i] - background[0]) <= 2 &&
      Math.abs(img.data[i + 1] - background[1]) <= 2 &&
      Math.abs(img.data[i + 2] - background[2]) <= 2
    );
  };
  const x0 = Math.ceil(box.x);
  const y0 = Math.ceil(box.y);
  const x1 = Math.floor(box.x + box.width);
  const y1 = Math.floor(box.y + box.height);
  const found: string[] = [];
  for (let x = x0; x < x1; x++) {
    let n = 0;
    for (let y = y0; y < y1; y++) if (isBg(x, y)) n++;
    if (n > share * (y1 - y0)) found.push(`x = ${x}`);
  }
  for (let y = y0; y < y1; y++) {
    let n = 0;
    for (let x = x0; x < x1; x++) if (isBg(x, y)) n++;
    if (n > share * (x1 - x0)) found.push(`y = ${y}`);
  }
  return found;
}
