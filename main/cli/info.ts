/**
 * `skysense info PATH... [--json]`: the same RasterInfo the app's `raster.info` command
 * returns. Several paths are one raster (single-band files of one scene), as in the
 * app's open dialog; run it once per file to inspect files separately. A bad file prints
 * one line, `skysense: <file>: <problem>`, and exits 1. A NaN nodata prints as "NaN".
 */
import type { RasterInfo } from '../api.ts';
import { inspectRaster } from '../raster/index.ts';
import { errorText } from './error-text.ts';

const USAGE = `Usage: skysense info FILE|FOLDER... [--json]

Prints a raster's metadata: size, bands, data type, nodata, CRS, geotransform,
corners and overviews. A folder, or several single-band files of one scene, opens
as one multi-band raster.

  --json      print the metadata as JSON (RasterInfo of main/api.ts)
  --verbose   on failure, also print the underlying library error and its stack

Warnings (a directory loop read up to the loop, a broken overview left out) go to
stderr, one line each, as gdalinfo prints them.`;

export async function runInfo(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const json = args.includes('--json');
  const paths = args.filter((a) => a !== '--json');
  const unknown = paths.find((a) => a.startsWith('-'));
  if (unknown) {
    process.stderr.write(`skysense info: unknown option ${unknown}\n${USAGE}\n`);
    return 2;
  }
  if (paths.length === 0) {
    process.stderr.write(`skysense info: no file given\n${USAGE}\n`);
    return 2;
  }
  let info: RasterInfo;
  try {
    const r = await inspectRaster(paths);
    info = r.info;
    for (const w of r.warnings) process.stderr.write(`skysense: warning: ${w}\n`);
  } catch (err) {
    process.stderr.write(errorText(err, paths[0]));
    return 1;
  }
  process.stdout.write(json ? `${JSON.stringify(info, nonFinite, 2)}\n` : `${describe(info)}\n`);
  return 0;
}

/** JSON has no NaN: write it (and infinities) as strings, as gdalinfo -json does ("NaN"). */
function nonFinite(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

function describe(i: RasterInfo): string {
  const gt = i.geoTransform;
  const lines = [
    `File:        ${i.path}${i.files.length > 1 ? ` (${i.files.length} files)` : ''}`,
    `Format:      ${i.format}${i.compression ? `, ${i.compression}` : ''}, ${i.tiled ? 'tiled' : 'stripped'} ${i.blockSize[0]}x${i.blockSize[1]}`,
    `Size:        ${i.width} x ${i.height}, ${i.bandCount} band${i.bandCount === 1 ? '' : 's'} of ${i.dataType}`,
    `Bands:       ${i.bandNames.join(', ')}`,
    `NoData:      ${i.nodata === null ? 'none' : String(i.nodata)}`,
    `CRS:         ${i.crs ? `${i.crs.name}${i.crs.epsg !== null ? ` (EPSG:${i.crs.epsg})` : ''}` : 'none'}`,
    `Origin:      (${gt[0]}, ${gt[3]})`,
    `Pixel size:  (${gt[1]}, ${gt[5]})${gt[2] || gt[4] ? ` rotation (${gt[2]}, ${gt[4]})` : ''}`,
    `Overviews:   ${i.overviews.length ? i.overviews.map((o) => `${o.width}x${o.height}`).join(', ') : 'none'}`,
  ];
  if (!i.georeferenced) lines.push('Georeferencing: none (pixel coordinates)');
  return lines.join('\n');
}
