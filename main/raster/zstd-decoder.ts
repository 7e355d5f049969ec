/**
 * ZSTD TIFF blocks decoded into a buffer of the block's own size. geotiff.js 3.0.5 calls
 * zstddec without a size, which for frames that do not declare theirs (libtiff writes
 * none) takes zstddec's streaming path: on corrupt data that loop never ends and fills
 * memory until the process dies. With the size given, zstddec runs one ZSTD_decompress
 * into that buffer, and an error comes back as a size larger than the buffer.
 */
import { createRequire } from 'node:module';
import { addDecoder, BaseDecoder } from 'geotiff';
import { decodedBlockBytes } from './decoded-block.ts';

interface ZstdLike {
  init(): Promise<void>;
  decode(array: Uint8Array, uncompressedSize?: number): Uint8Array;
}

// zstddec is geotiff.js's own dependency: resolved from geotiff's folder, the same copy.
const fromGeotiff = createRequire(createRequire(import.meta.url).resolve('geotiff'));
const zstd = new (fromGeotiff('zstddec/stream') as { ZSTDDecoder: new () => ZstdLike }).ZSTDDecoder();

class BoundedZstdDecoder extends BaseDecoder {
  decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    const size = decodedBlockBytes(this.parameters);
    const out = zstd.decode(new Uint8Array(buffer), size);
    if (out.byteLength > size) throw new Error('ZSTD data is corrupt');
    return out.byteLength === out.buffer.byteLength ? out.buffer : out.slice().buffer;
  }
}

let registered = false;

export function registerZstdDecoder(): void {
  if (registered) return;
  addDecoder(50000, async () => {
    await zstd.init();
    return BoundedZstdDecoder;
  }, undefined, false);
  registered = true;
}
