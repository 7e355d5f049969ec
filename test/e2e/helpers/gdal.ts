// GDAL's command-line tools as the oracle: what the UI shows is checked against them.
import { execFileSync } from 'node:child_process';

export interface GdalInfo {
  size: [number, number];
  geoTransform: [number, number, number, number, number, number];
  coordinateSystem: { wkt: string };
  cornerCoordinates: Record<'upperLeft' | 'lowerLeft' | 'upperRight' | 'lowerRight' | 'center', [number, number]>;
  bands: Array<{ band: number; type: string }>;
}

export function gdalinfo(path: string): GdalInfo {
  return JSON.parse(execFileSync('gdalinfo', ['-json', path], { encoding: 'utf8' })) as GdalInfo;
}

/** Points from one CRS to another with gdaltransform (input: any SRS gdal accepts, e.g. WKT). */
export function gdaltransform(points: Array<[number, number]>, sSrs: string, tSrs: string): Array<[number, number]> {
  const out = execFileSync('gdaltransform', ['-s_srs', sSrs, '-t_srs', tSrs, '-output_xy'], {
    input: points.map((p) => `${p[0]} ${p[1]}`).join('\n') + '\n',
    encoding: 'utf8',
  });
  return out.trim().split('\n').map((line) => {
    const [x, y] = line.trim().split(/\s+/).map(Number);
    return [x, y] as [number, number];
  });
}

/** Every band's value at a pixel (col, row, 0-based), as gdallocationinfo -valonly reports it. */
export function gdallocationinfo(path: string, col: number, row: number): number[] {
  const out = execFileSync('gdallocationinfo', ['-valonly', path, String(col), String(row)], { encoding: 'utf8' });
  return out.trim().split('\n').map(Number);
}

/** The layer-CRS coordinate of a pixel's centre, from the geotransform. */
export function pixelCentre(info: GdalInfo, col: number, row: number): [number, number] {
  const gt = info.geoTransform;
  const c = col + 0.5;
  const r = row + 0.5;
  return [gt[0] + c * gt[1] + r * gt[2], gt[3] + c * gt[4] + r * gt[5]];
}
