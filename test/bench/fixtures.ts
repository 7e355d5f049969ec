/**
 * Big scenes for benchmarks, made at bench time from real data (never stored): an OSCD
 * city's 10 m bands (B02, B03, B04, B08) stacked with gdalbuildvrt and resampled with
 * gdal_translate -outsize to size x size x 4 UInt16, DEFLATE. 'cog' is GDAL's COG driver
 * (tiled, with overviews); 'stripped' is TILED=NO with no overviews, the worst case for
 * a viewer. Reused when already present in `dir`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dataPath } from '../helpers/gdal.ts';

const run = promisify(execFile);

export const BENCH_CITY = 'oscd/aguasclaras/imgs_1';
export const BENCH_BANDS = ['B02', 'B03', 'B04', 'B08'];

export async function makeBigScene(dir: string, layout: 'cog' | 'stripped', size = 10980): Promise<string> {
  const out = join(dir, `scene-${layout}-${size}.tif`);
  if (existsSync(out)) return out;
  const vrt = join(dir, 'stack.vrt');
  if (!existsSync(vrt)) {
    await run('gdalbuildvrt', ['-q', '-separate', vrt, ...BENCH_BANDS.map((b) => join(dataPath(BENCH_CITY), `${b}.tif`))]);
  }
  const tmp = `${out}.part.tif`;
  const co = layout === 'cog'
    ? ['-of', 'COG', '-co', 'COMPRESS=DEFLATE', '-co', 'BLOCKSIZE=512', '-co', 'NUM_THREADS=2']
    : ['-of', 'GTiff', '-co', 'TILED=NO', '-co', 'COMPRESS=DEFLATE', '-co', 'NUM_THREADS=2'];
  const { stderr } = await run('gdal_translate', ['-q', '-outsize', String(size), String(size), '-r', 'nearest', ...co, vrt, tmp], { maxBuffer: 16 * 1024 * 1024 });
  if (!existsSync(tmp)) throw new Error(`gdal_translate made no ${tmp}: ${stderr}`);
  await rename(tmp, out);
  return out;
}
