// A task head folder on disk (manifest.json of kind "head" + one ONNX file). Heads are small,
// so the session starts at load: a head whose graph does not take the inputs or give the
// outputs its manifest names fails here, before any tile is read, with both names in the error.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { ApiError } from '../api.ts';
import { parseHeadManifest, type HeadManifest } from '../model/index.ts';
import type { ProviderChoice, ProviderName } from '../model/index.ts';
import { checkSessionAgainstSpec } from '../model/index.ts';
import { startSession, type Fallback } from '../model/index.ts';

const MANIFEST_FILE = 'manifest.json';

export interface HeadSession {
  readonly provider: ProviderName;
  readonly fallbacks: readonly Fallback[];
  readonly session: ort.InferenceSession;
  run(feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.ReturnType>;
}

export interface HeadFolder {
  readonly dir: string;
  readonly manifestPath: string;
  readonly manifest: HeadManifest;
  /** Absolute path of the head's ONNX file. */
  readonly file: string;
  readonly session: HeadSession;
  close(): Promise<void>;
}

export interface LoadHeadOptions {
  /** Tried in order (default: the engine's order). */
  providers?: readonly ProviderChoice[];
  intraOpThreads?: number;
  /** Run once on zeros before returning (default true). */
  warmup?: boolean;
  /**
   * Sizes of the inputs' dynamic axes for the warm-up run, by axis name: the task knows each
   * tap's grid for the tile it will feed (default 16 cells for every spatial axis).
   */
  warmupAxes?: Readonly<Record<string, number>>;
}

/** A head folder's manifest, validated, and its ONNX file checked to exist; no session. */
export async function readHeadFolder(dirIn: string): Promise<{ dir: string; manifestPath: string; manifest: HeadManifest; file: string }> {
  const dir = resolve(dirIn);
  const manifestPath = join(dir, MANIFEST_FILE);
  const s = await stat(dir).catch(() => null);
  if (!s) throw new ApiError('E_NOT_FOUND', `${dir}: head folder does not exist`, dir);
  if (!s.isDirectory()) throw new ApiError('E_NOT_FOUND', `${dir}: not a folder (a head is a folder with ${MANIFEST_FILE} and an ONNX file)`, dir);
  const text = await readFile(manifestPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new ApiError('E_NOT_FOUND', `${manifestPath}: missing (a head folder needs ${MANIFEST_FILE})`, manifestPath);
    throw new ApiError('E_INTERNAL', `${manifestPath}: cannot be read (${err.message})`, manifestPath);
  });
  if (text.trim().length === 0) throw new ApiError('E_EMPTY', `${manifestPath}: empty file`, manifestPath);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ApiError('E_CORRUPT', `${manifestPath}: not valid JSON (${(err as Error).message})`, manifestPath);
  }
  const kind = json && typeof json === 'object' ? (json as { kind?: unknown }).kind : undefined;
  if (kind === 'encoder') {
    throw new ApiError('E_UNSUPPORTED', `${manifestPath}: kind: "encoder": this is an encoder model folder, not a task head (give it as the model)`, manifestPath);
  }
  const manifest = parseHeadManifest(json, manifestPath);
  const file = join(dir, manifest.file);
  const f = await stat(file).catch(() => null);
  if (!f) throw new ApiError('E_NOT_FOUND', `${manifestPath}: file: ${manifest.file} does not exist in ${dir}`, file);
  if (!f.isFile()) throw new ApiError('E_NOT_FOUND', `${manifestPath}: file: ${manifest.file} is not a file`, file);
  if (f.size === 0) throw new ApiError('E_EMPTY', `${manifestPath}: file: ${manifest.file} is empty`, file);
  return { dir, manifestPath, manifest, file };
}

/** Loads a head folder and starts its session (checked against the manifest's inputs and outputs). */
export async function loadHead(dir: string, opts: LoadHeadOptions = {}): Promise<HeadFolder> {
  const h = await readHeadFolder(dir);
  // Spatial axes of a tap: 16 cells is a 64 px S2/S1 tile, small enough for a cheap warm-up and
  // large enough for heads with a few unpadded convolutions.
  const axes: Record<string, number> = {};
  for (const t of h.manifest.inputs) for (const d of t.shape.slice(2)) if (typeof d === 'string') axes[d] = 16;
  Object.assign(axes, opts.warmupAxes);
  const started = await startSession(h.file, opts.providers, {
    intraOpThreads: opts.intraOpThreads,
    warmup: opts.warmup ?? true,
    warmupShape: { axes, defaultSize: 1 },
    logId: `head:${h.manifest.name}`,
    check: (session, onnxFile) => {
      // The checker prefixes "<label>." to a key path; a head's keys sit at the manifest's top level.
      try {
        checkSessionAgainstSpec(session, h.manifest, { label: '\u0000', onnxFile });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        throw new ApiError(err.code, err.message.replace('\u0000.', `${onnxFile} vs ${h.manifestPath}: `), onnxFile);
      }
    },
  });
  const { session, provider, fallbacks } = started;
  let closed = false;
  return {
    ...h,
    session: { provider, fallbacks, session, run: (feeds) => session.run(feeds) },
    async close() {
      if (closed) return;
      closed = true;
      await session.release();
    },
  };
}

/** SHA-256 (hex) of a file, streamed: encoder modules can be gigabytes. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
