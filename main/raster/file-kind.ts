/**
 * Decides what a path is from its first bytes (never from its extension), and turns
 * missing, empty, unreadable and unknown files into specific errors before any parser runs.
 */
import { open, stat } from 'node:fs/promises';
import { rasterError } from './errors.ts';

export type FileKind = 'tiff' | 'png' | 'jpeg' | 'dir';

export interface FileProbe {
  kind: FileKind;
  size: number;
  mtimeMs: number;
}

export async function probeFile(file: string): Promise<FileProbe> {
  let st;
  try {
    st = await stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw rasterError('E_NOT_FOUND', file, 'no such file or folder');
    if (code === 'EACCES' || code === 'EPERM') throw rasterError('E_NOT_FOUND', file, 'cannot be read (permission denied)');
    throw rasterError('E_NOT_FOUND', file, `cannot be read (${code ?? String(err)})`);
  }
  if (st.isDirectory()) return { kind: 'dir', size: 0, mtimeMs: st.mtimeMs };
  if (!st.isFile()) throw rasterError('E_NOT_RASTER', file, 'is not a regular file');
  if (st.size === 0) throw rasterError('E_EMPTY', file, 'is empty (0 bytes)');
  const head = Buffer.alloc(8);
  let fh;
  try {
    fh = await open(file, 'r');
    await fh.read(head, 0, 8, 0);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw rasterError('E_NOT_FOUND', file, `cannot be read (${code ?? String(err)})`);
  } finally {
    await fh?.close();
  }
  const kind = kindFromMagic(head, st.size);
  if (!kind) {
    throw rasterError('E_NOT_RASTER', file, `is not a raster this app reads (starts with ${describeHead(head, st.size)}; expected GeoTIFF, PNG or JPEG)`);
  }
  return { kind, size: st.size, mtimeMs: st.mtimeMs };
}

function kindFromMagic(h: Buffer, size: number): FileKind | null {
  if (size >= 8) {
    const ii = h[0] === 0x49 && h[1] === 0x49;
    const mm = h[0] === 0x4d && h[1] === 0x4d;
    if (ii && (h[2] === 42 || h[2] === 43) && h[3] === 0) return 'tiff';
    if (mm && h[2] === 0 && (h[3] === 42 || h[3] === 43)) return 'tiff';
    if (h.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  }
  if (size >= 3 && h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff) return 'jpeg';
  return null;
}

function describeHead(h: Buffer, size: number): string {
  const bytes = h.subarray(0, Math.min(8, size));
  const printable = [...bytes].every((b) => b >= 0x20 && b < 0x7f);
  return printable ? JSON.stringify(bytes.toString('latin1')) : `bytes ${bytes.toString('hex')}`;
}
