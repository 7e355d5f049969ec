/**
 * Decodes DEFLATE / Adobe-Deflate TIFF blocks with Node's native zlib instead of the
 * pako decoder geotiff.js bundles: faster (README, Benchmarks: decoders), and the async call runs
 * on libuv's thread pool, so several blocks inflate in parallel off the event loop.
 * maxOutputLength bounds what one block may inflate to (defence against zip bombs).
 */
import { inflate } from 'node:zlib';
import { promisify } from 'node:util';
import { addDecoder, BaseDecoder } from 'geotiff';

const inflateAsync = promisify(inflate);

/** Largest decoded block we accept; readers check declared block sizes against it first. */
export const MAX_BLOCK_BYTES = 512 * 1024 * 1024;

class NodeZlibDecoder extends BaseDecoder {
  async decodeBlock(buffer: ArrayBufferLike): Promise<ArrayBufferLike> {
    const out = await inflateAsync(new Uint8Array(buffer), { maxOutputLength: MAX_BLOCK_BYTES });
    // Typed-array views over the result need it to start at offset 0 of its own buffer.
    if (out.byteOffset === 0 && out.byteLength === out.buffer.byteLength) return out.buffer;
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}

let registered = false;

export function registerZlibDecoder(): void {
  if (registered) return;
  addDecoder([8, 32946], async () => NodeZlibDecoder, undefined, false);
  registered = true;
}
