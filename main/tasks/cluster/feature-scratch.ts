/**
 * A raw scratch file of feature rows: Float32, pixel-interleaved (row, column, channel),
 * next to the output, deleted when the task ends. Cluster writes the blended features
 * here in its first pass and reads them back by row strips in the second.
 *
 * Why raw rather than a features GeoTIFF: the 128-band DEFLATE write and its decode on
 * read-back cost CPU a raw file does not (README, Benchmarks: cluster passes), and
 * pixel-interleaved rows are what the distance loop wants. The price is disk: 4 x
 * channels bytes per output pixel (3.9 GB for a 10980 px S2 tile at stride 4), checked
 * against the free space before the run starts.
 */
import { open, rm, statfs, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ApiError } from '../../api.ts';

export class FeatureScratch {
  private written = 0;

  private constructor(
    readonly path: string,
    readonly width: number,
    readonly height: number,
    readonly channels: number,
    private readonly fh: FileHandle,
  ) {}

  /** Bytes the scratch file will take. */
  static bytesFor(width: number, height: number, channels: number): number {
    return width * height * channels * 4;
  }

  /** Fails with a specific error when the output folder lacks the space (plus 5% slack). */
  static async checkSpace(outPath: string, width: number, height: number, channels: number): Promise<void> {
    const dir = dirname(outPath);
    const need = FeatureScratch.bytesFor(width, height, channels);
    const fs = await statfs(dir);
    const free = fs.bavail * fs.bsize;
    if (need * 1.05 > free) {
      throw new ApiError('E_TOO_LARGE', `${dir}: the features scratch file needs ${(need / 2 ** 30).toFixed(2)} GiB (${width} x ${height} x ${channels} Float32) and the folder has ${(free / 2 ** 30).toFixed(2)} GiB free`, dir);
    }
  }

  static async create(outPath: string, width: number, height: number, channels: number): Promise<FeatureScratch> {
    const path = join(dirname(outPath), `.${basename(outPath)}.features-${process.pid}.f32.tmp`);
    const fh = await open(path, 'w+');
    return new FeatureScratch(path, width, height, channels, fh);
  }

  /** Appends `rows` rows given as one planar Float32Array (rows x width) per channel. */
  async append(bands: Float32Array[], rows: number): Promise<void> {
    const W = this.width;
    const C = this.channels;
    if (bands.length !== C) throw new ApiError('E_INTERNAL', `scratch: ${bands.length} channels given, ${C} expected`);
    const buf = new Float32Array(rows * W * C);
    for (let c = 0; c < C; c++) {
      const src = bands[c];
      for (let i = 0, o = c; i < rows * W; i++, o += C) buf[o] = src[i];
    }
    await this.fh.write(new Uint8Array(buf.buffer), 0, buf.byteLength, this.written * W * C * 4);
    this.written += rows;
  }

  /** Rows [y, y + rows) as one pixel-interleaved Float32Array (rows x width x channels). */
  async readRows(y: number, rows: number, into?: Float32Array): Promise<Float32Array> {
    if (y < 0 || y + rows > this.written) throw new ApiError('E_INTERNAL', `scratch: rows ${y}..${y + rows} not written (have ${this.written})`);
    const n = rows * this.width * this.channels;
    const buf = into && into.length >= n ? into.subarray(0, n) : new Float32Array(n);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, n * 4);
    let got = 0;
    while (got < bytes.length) {
      const { bytesRead } = await this.fh.read(bytes, got, bytes.length - got, y * this.width * this.channels * 4 + got);
      if (bytesRead === 0) throw new ApiError('E_TRUNCATED', `${this.path}: scratch file ended early`, this.path);
      got += bytesRead;
    }
    return buf;
  }

  get rowsWritten(): number {
    return this.written;
  }

  /** Closes and deletes the file (safe to call twice). */
  async remove(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
