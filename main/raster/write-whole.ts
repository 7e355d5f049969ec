/** Small text outputs (run reports, .aux.xml sidecars) written under a temporary name and renamed when whole. */
import { rename, rm, writeFile } from 'node:fs/promises';
import { partPath } from './part-path.ts';

export async function writeWhole(path: string, text: string): Promise<void> {
  const tmp = partPath(path);
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** A run report: pretty-printed JSON, written whole. */
export async function writeReport(path: string, report: unknown): Promise<void> {
  await writeWhole(path, `${JSON.stringify(report, null, 2)}\n`);
}
