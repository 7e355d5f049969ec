/**
 * A map snapshot the window made (PNG bytes, base64 over the transport) written where the
 * user chose: the renderer never touches the file system. Checked to be a PNG first, and
 * written under a temporary name then renamed, as every output.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { ApiError } from '../api.ts';
import { partPath } from '../raster/index.ts';
import { checkDestination } from './destination.ts';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export async function writePng(out: string, base64: string): Promise<{ out: string; bytes: number }> {
  const target = await checkDestination(out, ['.png'], []);
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length < 64 || !bytes.subarray(0, 8).equals(SIGNATURE)) throw new ApiError('E_BAD_REQUEST', `${target}: the snapshot is not PNG data`, target);
  const tmp = partPath(target);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return { out: target, bytes: bytes.length };
}
