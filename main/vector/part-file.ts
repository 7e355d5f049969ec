/**
 * Output files are written under a hidden temporary name next to the target (same
 * folder, so the final rename is atomic) and moved into place only when whole; the
 * naming is main/raster's (raster/part-path.ts). One PartFile
 * holds that life cycle (open, write, commit or discard) for every vector writer, so a
 * writer keeps no state of its own about whether its file is still open.
 */
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { partPath } from '../raster/index.ts';
import { ApiError } from '../api.ts';

export class PartFile {
  private done = false;

  private constructor(
    readonly path: string,
    private readonly tmp: string,
    private readonly fh: FileHandle,
  ) {}

  /** Opens the temporary file for writing, with errors that name the output and the problem. */
  static async open(path: string): Promise<PartFile> {
    const dir = dirname(resolve(path));
    try {
      const st = await stat(dir);
      if (!st.isDirectory()) throw new ApiError('E_BAD_REQUEST', `${path}: ${dir} is not a folder`, path);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError('E_NOT_FOUND', `${path}: output folder ${dir} does not exist`, path);
    }
    try {
      const st = await stat(path);
      if (st.isDirectory()) throw new ApiError('E_BAD_REQUEST', `${path}: is a folder, not an output file`, path);
    } catch (err) {
      if (err instanceof ApiError) throw err;
    }
    const tmp = partPath(path);
    try {
      return new PartFile(path, tmp, await open(tmp, 'w'));
    } catch (err) {
      throw new ApiError('E_BAD_REQUEST', `${path}: cannot write in ${dir} (${(err as Error).message})`, path);
    }
  }

  /** False once committed or discarded. */
  get isOpen(): boolean {
    return !this.done;
  }

  assertOpen(): void {
    if (this.done) throw new Error(`${this.path}: writer already finished or aborted`);
  }

  async write(data: string | Uint8Array): Promise<void> {
    this.assertOpen();
    await this.put(data);
  }

  private async put(data: string | Uint8Array): Promise<void> {
    if (typeof data === 'string') await this.fh.write(data);
    else await this.fh.write(data);
  }

  /**
   * Writes what `last` returns, closes the file and moves it into place (replacing an
   * older output). On any failure, `last`'s included, the temporary file is deleted and
   * the error rethrown.
   */
  async commit(last?: () => string | Uint8Array): Promise<void> {
    this.assertOpen();
    this.done = true;
    try {
      const data = last?.();
      if (data !== undefined && data.length > 0) await this.put(data);
      await this.fh.close();
    } catch (err) {
      await this.fh.close().catch(() => {});
      await rm(this.tmp, { force: true });
      throw err;
    }
    try {
      await rename(this.tmp, this.path);
    } catch (err) {
      await rm(this.tmp, { force: true });
      throw new ApiError('E_INTERNAL', `${this.path}: cannot move the finished file into place (${(err as Error).message})`, this.path);
    }
  }

  /** Closes and deletes the temporary file. Safe after a failure, and twice. */
  async discard(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.fh.close().catch(() => {});
    await rm(this.tmp, { force: true });
  }
}
