/**
 * A window of a raster seen as a raster of its own: same CRS and pixel size, the origin
 * moved to the window's corner. A fused run with HR works on the part of the Sentinel grid
 * the HR image covers; cropping the stacked (and masked) series keeps every date, the mask
 * and the HR features on one pixel grid while the tiler plans only over that part.
 * Reads outside the window are clipped to it (the tiler mirror-pads past the edge itself),
 * so no pixel from outside the crop reaches a tile.
 */
import type { RasterInfo } from '../api.ts';
import { cornersOf } from '../raster/index.ts';
import type { NumericArray, Raster, ReadOptions, Window } from '../raster/index.ts';

export function croppedRaster(src: Raster, win: Window): Raster {
  const s = src.info;
  const gt = s.geoTransform;
  const geoTransform: RasterInfo['geoTransform'] = [gt[0] + win.x * gt[1] + win.y * gt[2], gt[1], gt[2], gt[3] + win.x * gt[4] + win.y * gt[5], gt[4], gt[5]];
  const info: RasterInfo = {
    ...s,
    width: win.width,
    height: win.height,
    geoTransform,
    corners: cornersOf(geoTransform, win.width, win.height),
    // Overviews describe the whole source; the tiler's pre-scan must not use them.
    overviews: [],
  };
  return {
    info,
    async readWindow(w: Window, opts: ReadOptions = {}): Promise<NumericArray[]> {
      const x0 = Math.max(0, w.x);
      const y0 = Math.max(0, w.y);
      const x1 = Math.min(win.width, w.x + w.width);
      const y1 = Math.min(win.height, w.y + w.height);
      if (x0 === w.x && y0 === w.y && x1 === w.x + w.width && y1 === w.y + w.height) {
        return src.readWindow({ x: win.x + w.x, y: win.y + w.y, width: w.width, height: w.height }, opts);
      }
      // Partly outside: read the inside, fill the rest with nodata (the Raster contract).
      const ow = opts.outWidth ?? w.width;
      const oh = opts.outHeight ?? w.height;
      if (ow !== w.width || oh !== w.height) throw new Error(`${s.path}: a cropped view reads windows past its edge at full resolution only`);
      const bandCount = opts.bands?.length ?? s.bandCount;
      const fill = s.nodata ?? 0;
      const out = Array.from({ length: bandCount }, () => new Float32Array(ow * oh).fill(fill));
      if (x1 <= x0 || y1 <= y0) return out;
      const got = await src.readWindow({ x: win.x + x0, y: win.y + y0, width: x1 - x0, height: y1 - y0 }, { bands: opts.bands, signal: opts.signal });
      got.forEach((a, b) => {
        for (let r = 0; r < y1 - y0; r++) out[b].set(a.subarray(r * (x1 - x0), (r + 1) * (x1 - x0)), (y0 - w.y + r) * ow + (x0 - w.x));
      });
      return out;
    },
    close: () => src.close(),
  };
}
