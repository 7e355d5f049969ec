// Which model folders are installed: the application's models/, the user's data folder and
// any folder the user names, each folder summarised from its manifest with every problem
// found. A broken folder is listed with its problems rather than skipped, so a user who
// dropped a folder in sees why it is not offered instead of wondering where it went.
// Task heads are listed too: those shipped in a model folder's heads/ (checked against that
// folder's encoder) and head folders found directly in a search folder.
// Nothing here starts an ONNX session: listing must stay instant even for gigabyte modules.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError } from '../api.ts';
import { parseHeadManifest, type HeadManifest } from './head-manifest.ts';
import { formatPath, parseManifest, type Manifest } from './manifest.ts';

// Not imported from folder.ts: that module pulls in ONNX Runtime, which a listing never needs.
const MANIFEST_FILE = 'manifest.json';

export type ModelSource = 'app' | 'user' | 'dir';

export interface SearchDir {
  dir: string;
  source: ModelSource;
}

export interface ModelFile {
  /** What the file is to the module: its graph, the float16 graph, or external weights. */
  use: 'onnx' | 'fp16' | 'external';
  file: string;
  /** Size in bytes; null when the file is missing. */
  bytes: number | null;
}

export interface ModelModule {
  name: string;
  role: string;
  modality: string;
  files: ModelFile[];
}

/** What `skysense models` shows of a head: its task, classes, the encoder it needs, its training. */
export interface HeadSummary {
  task: HeadManifest['task'];
  activation: HeadManifest['activation'];
  classes: { value: number; name: string; color: string }[];
  encoder: HeadManifest['encoder'];
  trainedOn: string;
  trainingLicence: string;
  metrics: Record<string, number> | null;
}

export interface ModelEntry {
  /** The manifest's name, or the folder's name when the manifest cannot say. */
  name: string;
  title: string | null;
  kind: 'encoder' | 'head' | null;
  config: string | null;
  weights: {
    kind: Manifest['provenance']['weights'];
    checkpoint: Manifest['provenance']['checkpoint'];
    exporter: string;
    created: string;
  } | null;
  licence: Manifest['licence'] | null;
  dir: string;
  source: ModelSource;
  modules: ModelModule[];
  /** Sum of the sizes of the files present. */
  bytes: number;
  /** Each starts with the file it is about (manifest.json with the key path where it applies). */
  problems: string[];
  /** Heads: task, classes, encoder, training (null for encoders and unreadable head manifests). */
  head: HeadSummary | null;
  /** A head shipped inside a model folder (<model>/heads/<name>): that model folder. */
  within: string | null;
}

export interface SearchReport {
  dir: string;
  source: ModelSource;
  exists: boolean;
}

export interface ModelListing {
  models: ModelEntry[];
  searched: SearchReport[];
}

/**
 * The models shipped with the application: the repository's models/ folder, or
 * SKYSENSE_APP_MODELS_DIR (a packaged app points it at its resources/models).
 */
export function appModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SKYSENSE_APP_MODELS_DIR) return resolve(env.SKYSENSE_APP_MODELS_DIR);
  return fileURLToPath(new URL('../../models/', import.meta.url));
}

/** Where a user drops model folders; SKYSENSE_MODELS_DIR overrides the platform default. */
export function userModelsDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SKYSENSE_MODELS_DIR) return resolve(env.SKYSENSE_MODELS_DIR);
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'SkySense Desktop', 'models');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'SkySense Desktop', 'models');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'skysense-desktop', 'models');
}

/** The standard places, app first, then the user's folder, then extra folders in the order given. */
export function defaultSearchDirs(extra: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): SearchDir[] {
  return [
    { dir: appModelsDir(), source: 'app' },
    { dir: userModelsDir(env), source: 'user' },
    ...extra.map((d) => ({ dir: resolve(d), source: 'dir' as const })),
  ];
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function rawString(json: unknown, key: string): string | null {
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const v = (json as Record<string, unknown>)[key];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return null;
}

async function fileSize(path: string): Promise<{ bytes: number | null; problem?: string }> {
  const s = await stat(path).catch(() => null);
  if (!s) return { bytes: null, problem: 'does not exist' };
  if (!s.isFile()) return { bytes: null, problem: 'is not a file' };
  if (s.size === 0) return { bytes: 0, problem: 'is empty' };
  return { bytes: s.size };
}

interface Inspected {
  entry: ModelEntry;
  manifest?: Manifest;
  head?: HeadManifest;
}

async function inspect(dirIn: string, source: ModelSource, within: string | null): Promise<Inspected> {
  const dir = resolve(dirIn);
  const manifestPath = join(dir, MANIFEST_FILE);
  const entry: ModelEntry = {
    name: basename(dir),
    title: null,
    kind: null,
    config: null,
    weights: null,
    licence: null,
    dir,
    source,
    modules: [],
    bytes: 0,
    problems: [],
    head: null,
    within,
  };

  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    entry.problems.push(code === 'ENOENT' ? `${manifestPath}: missing (a ${within ? 'head' : 'model'} folder needs ${MANIFEST_FILE})` : `${manifestPath}: cannot be read (${describeError(err)})`);
    return { entry };
  }
  if (text.trim().length === 0) {
    entry.problems.push(`${manifestPath}: empty file`);
    return { entry };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    entry.problems.push(`${manifestPath}: not valid JSON (${describeError(err)})`);
    return { entry };
  }
  if (rawString(json, 'kind') === 'head') return inspectHead(entry, json, manifestPath);

  let manifest: Manifest;
  try {
    manifest = parseManifest(json, manifestPath);
  } catch (err) {
    // Show what the manifest does say so the user can tell which model this was meant to be.
    entry.name = rawString(json, 'name') ?? entry.name;
    entry.title = rawString(json, 'title');
    entry.config = rawString(json, 'config');
    const kind = rawString(json, 'kind');
    entry.kind = kind === 'encoder' || kind === 'head' ? kind : null;
    if (err instanceof ApiError) entry.problems.push(...err.message.split('\n'));
    else entry.problems.push(`${manifestPath}: ${describeError(err)}`);
    return { entry };
  }
  if (within) entry.problems.push(`${manifestPath}: kind: an encoder folder inside ${join(within, 'heads')}; heads/ holds task heads only`);

  entry.name = manifest.name;
  entry.title = manifest.title;
  entry.kind = manifest.kind;
  entry.config = manifest.config;
  const p = manifest.provenance;
  entry.weights = { kind: p.weights, checkpoint: p.checkpoint, exporter: p.exporter, created: p.created };
  entry.licence = manifest.licence;

  for (const [name, spec] of Object.entries(manifest.modules)) {
    const wanted: { use: ModelFile['use']; file: string; key: (string | number)[] }[] = [
      { use: 'onnx', file: spec.file, key: ['modules', name, 'file'] },
    ];
    if (spec.fp16File) wanted.push({ use: 'fp16', file: spec.fp16File, key: ['modules', name, 'fp16File'] });
    (spec.externalDataFiles ?? []).forEach((f, i) => wanted.push({ use: 'external', file: f, key: ['modules', name, 'externalDataFiles', i] }));
    const files: ModelFile[] = [];
    for (const w of wanted) {
      const { bytes, problem } = await fileSize(join(dir, w.file));
      files.push({ use: w.use, file: w.file, bytes });
      if (bytes) entry.bytes += bytes;
      if (problem) entry.problems.push(`${manifestPath}: ${formatPath(w.key)}: ${w.file} ${problem} in ${dir}`);
    }
    entry.modules.push({ name, role: spec.role, modality: spec.modality, files });
  }
  return { entry, manifest };
}

async function inspectHead(entry: ModelEntry, json: unknown, manifestPath: string): Promise<Inspected> {
  entry.kind = 'head';
  let head: HeadManifest;
  try {
    head = parseHeadManifest(json, manifestPath);
  } catch (err) {
    entry.name = rawString(json, 'name') ?? entry.name;
    entry.title = rawString(json, 'title');
    if (err instanceof ApiError) entry.problems.push(...err.message.split('\n'));
    else entry.problems.push(`${manifestPath}: ${describeError(err)}`);
    return { entry };
  }
  entry.name = head.name;
  entry.title = head.title;
  entry.licence = head.licence;
  entry.head = {
    task: head.task,
    activation: head.activation,
    classes: head.classes.map(({ value, name, color }) => ({ value, name, color })),
    encoder: { ...head.encoder },
    trainedOn: head.training.data,
    trainingLicence: head.training.licence,
    metrics: head.training.metrics ?? null,
  };
  const { bytes, problem } = await fileSize(join(entry.dir, head.file));
  entry.modules.push({ name: 'head', role: head.task, modality: head.encoder.modality, files: [{ use: 'onnx', file: head.file, bytes }] });
  if (bytes) entry.bytes += bytes;
  if (problem) entry.problems.push(`${manifestPath}: file: ${head.file} ${problem} in ${entry.dir}`);
  return { entry, head };
}

/** A head shipped in a model folder must fit it: its encoder, module and taps are that folder's. */
function checkHeadFitsModel(entry: ModelEntry, head: HeadManifest, model: Manifest, modelDir: string): void {
  const at = `${join(entry.dir, MANIFEST_FILE)}: encoder`;
  if (head.encoder.name !== model.name) entry.problems.push(`${at}.name: "${head.encoder.name}", but the head ships in ${modelDir} ("${model.name}")`);
  const spec = Object.hasOwn(model.modules, head.encoder.module) ? model.modules[head.encoder.module] : undefined;
  if (!spec) {
    entry.problems.push(`${at}.module: "${head.encoder.module}" is not a module of ${join(modelDir, MANIFEST_FILE)}`);
    return;
  }
  if (spec.modality !== head.encoder.modality) entry.problems.push(`${at}.modality: "${head.encoder.modality}", but ${head.encoder.module} reads ${spec.modality}`);
  head.inputs.forEach((t, i) => {
    if (!spec.outputs.some((o) => o.name === t.tap)) entry.problems.push(`${join(entry.dir, MANIFEST_FILE)}: inputs[${i}].tap: "${t.tap}" is not an output of ${head.encoder.module}`);
  });
}

/**
 * Finds the model folders in `dirs`. A search folder that is itself a model folder (has a
 * manifest.json) is taken as one; otherwise each sub-folder is. Sub-folders without a
 * manifest are listed as broken, except under the application's models/, which also holds
 * the Python authoring tools. A search folder that does not exist is reported, not an error:
 * the user's folder is normally absent until the first model is added. The same folder
 * reached twice is listed once; a name used twice is a problem of the later folder.
 */
export async function findModels(dirs: readonly SearchDir[]): Promise<ModelListing> {
  const models: ModelEntry[] = [];
  const searched: SearchReport[] = [];
  const seen = new Set<string>();

  const add = async (dir: string, source: ModelSource, within: string | null = null): Promise<Inspected | null> => {
    const real = await realpath(dir).catch(() => resolve(dir));
    if (seen.has(real)) return null;
    seen.add(real);
    const found = await inspect(dir, source, within);
    models.push(found.entry);
    if (found.entry.kind !== 'head' && !within) await addHeads(dir, source, found.manifest);
    return found;
  };
  // Stock heads ship inside their encoder's folder, under heads/<name>/.
  const addHeads = async (modelDir: string, source: ModelSource, model: Manifest | undefined) => {
    const headsDir = join(modelDir, 'heads');
    if (!(await stat(headsDir).catch(() => null))?.isDirectory()) return;
    const names = (await readdir(headsDir)).filter((n) => !n.startsWith('.')).sort();
    for (const n of names) {
      const sub = join(headsDir, n);
      if (!(await stat(sub).catch(() => null))?.isDirectory()) continue;
      const found = await add(sub, source, resolve(modelDir));
      if (found?.head && model) checkHeadFitsModel(found.entry, found.head, model, resolve(modelDir));
    }
  };

  for (const { dir: dirIn, source } of dirs) {
    const dir = resolve(dirIn);
    const s = await stat(dir).catch(() => null);
    searched.push({ dir, source, exists: !!s?.isDirectory() });
    if (!s?.isDirectory()) continue;
    if (await stat(join(dir, MANIFEST_FILE)).catch(() => null)) {
      await add(dir, source);
      continue;
    }
    const names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
    for (const n of names) {
      const sub = join(dir, n);
      if (!(await stat(sub).catch(() => null))?.isDirectory()) continue;
      const hasManifest = !!(await stat(join(sub, MANIFEST_FILE)).catch(() => null));
      if (!hasManifest && source === 'app') continue;
      await add(sub, source);
    }
  }

  const firstDir = new Map<string, string>();
  for (const m of models) {
    if (!m.weights && !m.head) continue; // an unreadable manifest has no name of its own to clash
    // Heads are chosen within their model folder (or by folder), so their names clash only there.
    const key = m.kind === 'head' ? `head:${m.within ?? ''}:${m.name}` : `encoder:${m.name}`;
    const other = firstDir.get(key);
    if (other) m.problems.push(`${join(m.dir, MANIFEST_FILE)}: name: "${m.name}" is also the name of ${other}; that folder is used`);
    else firstDir.set(key, m.dir);
  }
  return { models, searched };
}
