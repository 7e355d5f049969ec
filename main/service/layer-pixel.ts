/**
 * The `layer.pixel` command: every band's value under a map coordinate. Map
 * coordinates are EPSG:3857 for georeferenced layers; for the others the map is the
 * image's pixel grid with y up, so row = -y.
 */
import type { PixelReply, RasterInfo } from '../api.ts';
import { crsTransformer, pixelOf, type Raster } from '../raster/index.ts';
import { isMapped } from './layer-extent.ts';

function toLayer(info: RasterInfo, map: [number, number]): { layerXY: [number, number]; colRow: [number, number] } {
  if (!isMapped(info) || !info.crs) return { layerXY: map, colRow: [map[0], -map[1]] };
  const layerXY = crsTransformer(info.crs).fromMap(map);
  return { layerXY, colRow: pixelOf(info, layerXY) };
}

// Float32 bands hold the nodata value rounded to float32, as GDAL compares them.
function isNoData(v: number, nodata: number | null, float32: boolean): boolean {
  if (Number.isNaN(v)) return true;
  if (nodata === null) return false;
  return v === nodata || (float32 && v === Math.fround(nodata));
}

export async function pixelAt(raster: Raster, map: [number, number], signal: AbortSignal): Promise<PixelReply> {
  const info = raster.info;
  const { layerXY, colRow } = toLayer(info, map);
  const finite = Number.isFinite(colRow[0]) && Number.isFinite(colRow[1]);
  const col = finite ? Math.floor(colRow[0]) : -1;
  const row = finite ? Math.floor(colRow[1]) : -1;
  const inside = finite && col >= 0 && row >= 0 && col < info.width && row < info.height;
  let values: (number | null)[] = info.bandNames.map(() => null);
  if (inside) {
    const bands = await raster.readWindow({ x: col, y: row, width: 1, height: 1 }, { signal });
    values = bands.map((b) => (isNoData(b[0], info.nodata, b instanceof Float32Array) ? null : b[0]));
  }
  return {
    inside,
    col,
    row,
    values,
    bandNames: info.bandNames,
    mapCoordinate: map,
    layerCoordinate: layerXY,
    layerCrsName: isMapped(info) && info.crs ? info.crs.name : 'pixel',
  };
}
