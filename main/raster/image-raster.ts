/**
 * PNG and JPEG without georeferencing, decoded whole at open with pngjs / jpeg-js (they
 * are photos and label masks, not scenes; a size limit guards memory). Presented the
 * way GDAL does: pixel-space geotransform [0,1,0,0,0,1], no CRS, one band per channel.
 * A palette PNG opens as RGB (pngjs expands palettes; GDAL would show one paletted band).
 */
import { resolve } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import type { RasterInfo } from '../api.ts';
import type { NumericArray, Raster, ReadOptions, Window } from './types.ts';
import { rasterError } from './errors.ts';
import { IDENTITY, cornersOf } from './geotransform.ts';
import { jpegHeader, pngHeader, readWhole } from './image-header.ts';
import { readWindowFrom, type IndexedSource } from './indexed-source.ts';

const MAX_PIXELS = 256 * 1024 * 1024;

/** PNG ends with an IEND chunk, JPEG with an EOI marker (some writers pad after it). */
function hasEnd(buf: Buffer, kind: 'png' | 'jpeg'): boolean {
  const tail = buf.subarray(Math.max(0, buf.length - 1024));
  return kind === 'png' ? tail.includes(Buffer.from('IEND', 'latin1')) : tail.includes(Buffer.from([0xff, 0xd9]));
}

export class ImageRaster implements Raster, IndexedSource {
  readonly levelSizes: [number, number][];

  private constructor(
    readonly info: RasterInfo,
    private readonly data: Uint8Array | Uint16Array,
    private readonly stride: number,
    private readonly channels: number[],
  ) {
    this.levelSizes = [[info.width, info.height]];
  }

  static async open(file: string, kind: 'png' | 'jpeg', _size: number): Promise<ImageRaster> {
    const buf = await readWhole(file);
    const header = kind === 'png' ? pngHeader(buf, file) : jpegHeader(buf, file);
    if (!hasEnd(buf, kind)) throw rasterError('E_TRUNCATED', file, `is truncated: the ${kind.toUpperCase()} end marker is missing`);
    if (header.width * header.height > MAX_PIXELS) {
      throw rasterError('E_TOO_LARGE', file, `${header.width} x ${header.height} px is too large to decode whole (limit ${MAX_PIXELS} px)`);
    }
    let data: Uint8Array | Uint16Array;
    let stride: number;
    let channels: number[];
    try {
      if (kind === 'png') {
        const png = PNG.sync.read(buf, { skipRescale: true });
        data = png.data as unknown as Uint8Array | Uint16Array;
        stride = 4; // pngjs always yields RGBA
        channels = header.bands === 1 ? [0] : header.bands === 2 ? [0, 3] : header.bands === 3 ? [0, 1, 2] : [0, 1, 2, 3];
      } else {
        const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 4096 });
        data = img.data;
        stride = 3;
        channels = header.bands === 1 ? [0] : [0, 1, 2];
      }
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      const truncated = /end|eof|short|truncat|unexpected/i.test(msg);
      throw rasterError(truncated ? 'E_TRUNCATED' : 'E_CORRUPT', file, `${kind.toUpperCase()} cannot be decoded (${msg})`);
    }
    if (data.length < header.width * header.height * stride) {
      throw rasterError('E_TRUNCATED', file, `${kind.toUpperCase()} decodes to fewer pixels than its header declares`);
    }
    const abs = resolve(file);
    const info: RasterInfo = {
      path: abs,
      files: [abs],
      format: kind === 'png' ? 'PNG' : 'JPEG',
      width: header.width,
      height: header.height,
      bandCount: channels.length,
      dataType: header.depth === 16 ? 'UInt16' : 'Byte',
      bandNames: channels.map((_, i) => `Band ${i + 1}`),
      nodata: null,
      georeferenced: false,
      crs: null,
      geoTransform: [...IDENTITY],
      corners: cornersOf(IDENTITY, header.width, header.height),
      overviews: [],
      tiled: false,
      blockSize: [header.width, 1],
      compression: kind === 'jpeg' ? 'JPEG' : null,
      colorTable: null,
      categoryNames: null,
    };
    return new ImageRaster(info, data, stride, channels);
  }

  readWindow(win: Window, opts?: ReadOptions): Promise<NumericArray[]> {
    return readWindowFrom(this, win, opts);
  }

  async readIndexed(_level: number, cols: Int32Array, rows: Int32Array, samples: number[], out: NumericArray[]): Promise<void> {
    const w = this.info.width;
    const outW = cols.length;
    samples.forEach((s, k) => {
      const ch = this.channels[s];
      const dst = out[k];
      for (let j = 0; j < rows.length; j++) {
        const r = rows[j];
        if (r < 0) continue;
        const rowBase = r * w * this.stride + ch;
        for (let i = 0; i < outW; i++) {
          const c = cols[i];
          if (c >= 0) dst[j * outW + i] = this.data[rowBase + c * this.stride];
        }
      }
    });
  }

  async close(): Promise<void> {
    // nothing held open: the image was decoded at open
  }
}
