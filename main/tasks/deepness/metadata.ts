/**
 * Deepness metadata: the metadata_props of a model made for the Deepness QGIS plugin,
 * decoded and checked the way the plugin reads them (../shared/data/deepness/FORMAT.md):
 *
 * - every value is JSON text (a string carries its quotes: "\"Segmentor\""); only
 *   class_names falls back to a Python literal ({0: 'a'}), as the plugin's
 *   ast.literal_eval does;
 * - model_type goes through str.capitalize() and must then name a model class;
 * - class_names (or Ultralytics' `names`) is a dict {"0": .., "1": ..} or a list of them
 *   (one per output head), keys exactly 0..K-1;
 * - the plugin reads `tile_size`, while its docs, its metadata tool and its own test
 *   models write `tiles_size`, which it silently ignores. Here `tile_size` wins and
 *   `tiles_size` is used when it is the only one, with a warning saying so.
 *
 * A bad value is an error naming the file and the key, before any tile is read.
 */
import { ApiError } from '../../api.ts';
import { readOnnxInfo, type OnnxModelInfo } from './onnx-proto.ts';
import { parsePythonLiteral, PyLiteralError, type PyValue } from './python-literal.ts';

export const DEEPNESS_MODEL_TYPES = ['Segmentor', 'Regressor', 'Detector', 'Superresolution', 'Recognition'] as const;
export type DeepnessModelType = (typeof DEEPNESS_MODEL_TYPES)[number];

export const DETECTOR_TYPES = ['YOLO_v5_or_v7_default', 'YOLO_v6', 'YOLO_v9', 'YOLO_Ultralytics', 'YOLO_Ultralytics_segmentation', 'YOLO_Ultralytics_obb'] as const;
export type DetectorType = (typeof DETECTOR_TYPES)[number];

export interface DeepnessMetadata {
  modelType: DeepnessModelType | null;
  /** Names per output head, index = channel; null when absent. */
  classNames: string[][] | null;
  /** Which key the names came from. */
  classNamesKey: 'class_names' | 'names' | null;
  /** Processing resolution, cm per pixel. */
  resolutionCm: number | null;
  tileSize: number | null;
  tileSizeKey: 'tile_size' | 'tiles_size' | null;
  /** Percent of the tile. */
  tilesOverlap: number | null;
  standardizationMean: number[] | null;
  standardizationStd: number[] | null;
  segThresh: number | null;
  segSmallSegment: number | null;
  regOutputScaling: number | null;
  detConf: number | null;
  detIouThresh: number | null;
  detType: DetectorType | null;
}

export interface DeepnessModelInfo {
  file: string;
  onnx: OnnxModelInfo;
  metadata: DeepnessMetadata;
  /** Things the plugin would do differently or ignore (e.g. the tiles_size key). */
  warnings: string[];
}

/** Python's str.capitalize(): first character upper-case, all the rest lower-case. */
export function pyCapitalize(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1).toLowerCase();
}

function corrupt(file: string, key: string, problem: string): ApiError {
  return new ApiError('E_CORRUPT', `${file}: metadata "${key}" ${problem}`, file);
}

function json(file: string, key: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    const hint = /^[A-Za-z_]\w*$/.test(raw.trim()) ? ` (Deepness stores values as JSON: a text needs its quotes, "\\"${raw.trim()}\\"")` : '';
    throw corrupt(file, key, `is ${JSON.stringify(raw)}, which is not JSON${hint}`);
  }
}

function num(file: string, key: string, v: unknown, check: (n: number) => boolean, want: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) throw corrupt(file, key, `is ${JSON.stringify(v)}; ${want} expected`);
  return v;
}

function numList(file: string, key: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw corrupt(file, key, `is ${JSON.stringify(v)}; a list of numbers (one per input channel) expected`);
  }
  return v as number[];
}

function classDict(file: string, key: string, d: PyValue | unknown, head: number | null): string[] {
  const where = head === null ? '' : `(head ${head}) `;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw corrupt(file, key, `${where}is ${JSON.stringify(d)}; a dict {"0": "name", ...} expected`);
  const entries = Object.entries(d as Record<string, unknown>);
  if (entries.length === 0) throw corrupt(file, key, `${where}is an empty dict`);
  const keys = entries.map(([k]) => k);
  const ints = keys.map((k) => (/^\d+$/.test(k.trim()) ? Number(k) : NaN));
  const sorted = [...ints].sort((a, b) => a - b);
  if (ints.some(Number.isNaN) || sorted.some((k, i) => k !== i)) {
    throw corrupt(file, key, `${where}has keys ${JSON.stringify(keys)}: they are not consecutive (0..${entries.length - 1} expected)`);
  }
  const names = new Array<string>(entries.length);
  entries.forEach(([, v], i) => {
    names[ints[i]] = typeof v === 'string' ? v : JSON.stringify(v);
  });
  return names;
}

function classNames(file: string, key: string, raw: string): string[][] {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    try {
      v = parsePythonLiteral(raw);
    } catch (err) {
      const why = err instanceof PyLiteralError ? err.message : String(err);
      throw corrupt(file, key, `is ${JSON.stringify(raw)}: neither JSON nor a Python literal (${why})`);
    }
  }
  if (Array.isArray(v)) {
    if (v.length === 0) throw corrupt(file, key, 'is an empty list');
    return v.map((d, i) => classDict(file, key, d, i));
  }
  return [classDict(file, key, v, null)];
}

/** Decodes and checks raw metadata_props. */
export function parseDeepnessMetadata(file: string, raw: Record<string, string>, warnings: string[] = []): DeepnessMetadata {
  const m: DeepnessMetadata = {
    modelType: null,
    classNames: null,
    classNamesKey: null,
    resolutionCm: null,
    tileSize: null,
    tileSizeKey: null,
    tilesOverlap: null,
    standardizationMean: null,
    standardizationStd: null,
    segThresh: null,
    segSmallSegment: null,
    regOutputScaling: null,
    detConf: null,
    detIouThresh: null,
    detType: null,
  };
  const has = (k: string) => Object.hasOwn(raw, k);
  const get = (k: string) => json(file, k, raw[k]);
  const prob = (n: number) => n >= 0 && n <= 1;

  if (has('model_type')) {
    const v = get('model_type');
    if (typeof v !== 'string') throw corrupt(file, 'model_type', `is ${JSON.stringify(v)}; a text expected (one of ${DEEPNESS_MODEL_TYPES.join(', ')})`);
    const cap = pyCapitalize(v);
    if (!(DEEPNESS_MODEL_TYPES as readonly string[]).includes(cap)) {
      throw corrupt(file, 'model_type', `is "${v}", which is not a Deepness model type (${DEEPNESS_MODEL_TYPES.join(', ')}; case-insensitive after the first letter)`);
    }
    m.modelType = cap as DeepnessModelType;
  }
  for (const k of ['class_names', 'names'] as const) {
    if (has(k)) {
      m.classNames = classNames(file, k, raw[k]);
      m.classNamesKey = k;
      break;
    }
  }
  if (has('resolution')) m.resolutionCm = num(file, 'resolution', get('resolution'), (n) => n > 0, 'a resolution in cm per pixel > 0');
  const size = (k: string) => num(file, k, get(k), (n) => Number.isInteger(n) && n > 0, 'a whole number of pixels > 0');
  if (has('tile_size')) {
    m.tileSize = size('tile_size');
    m.tileSizeKey = 'tile_size';
    if (has('tiles_size')) {
      const other = size('tiles_size');
      if (other !== m.tileSize) warnings.push(`${file}: metadata has tile_size ${m.tileSize} and tiles_size ${other}; tile_size is used (the one the plugin reads)`);
    }
  } else if (has('tiles_size')) {
    m.tileSize = size('tiles_size');
    m.tileSizeKey = 'tiles_size';
    warnings.push(`${file}: metadata "tiles_size" ${m.tileSize} used as the tile size; the Deepness plugin ignores this key (it reads "tile_size"), so there it would run at its UI tile size`);
  }
  if (has('tiles_overlap')) m.tilesOverlap = num(file, 'tiles_overlap', get('tiles_overlap'), (n) => n >= 0 && n < 100, 'a percentage of the tile, 0 to 99');
  if (has('standardization_mean')) m.standardizationMean = numList(file, 'standardization_mean', get('standardization_mean'));
  if (has('standardization_std')) {
    m.standardizationStd = numList(file, 'standardization_std', get('standardization_std'));
    if (m.standardizationStd.some((s) => s === 0)) throw corrupt(file, 'standardization_std', 'contains 0 (it divides the input)');
  }
  if (m.standardizationMean && m.standardizationStd && m.standardizationMean.length !== m.standardizationStd.length) {
    throw corrupt(file, 'standardization_std', `has ${m.standardizationStd.length} values but standardization_mean has ${m.standardizationMean.length}`);
  }
  if ((m.standardizationMean === null) !== (m.standardizationStd === null)) {
    warnings.push(`${file}: only one of standardization_mean / standardization_std is set; like the plugin, no standardisation is applied`);
    m.standardizationMean = null;
    m.standardizationStd = null;
  }
  if (has('seg_thresh')) m.segThresh = num(file, 'seg_thresh', get('seg_thresh'), prob, 'a probability 0..1');
  if (has('seg_small_segment')) m.segSmallSegment = num(file, 'seg_small_segment', get('seg_small_segment'), (n) => Number.isInteger(n) && n >= 0, 'a whole number of pixels >= 0');
  if (has('reg_output_scaling')) m.regOutputScaling = num(file, 'reg_output_scaling', get('reg_output_scaling'), () => true, 'a number');
  if (has('det_conf')) m.detConf = num(file, 'det_conf', get('det_conf'), prob, 'a probability 0..1');
  if (has('det_iou_thresh')) m.detIouThresh = num(file, 'det_iou_thresh', get('det_iou_thresh'), prob, 'an IoU 0..1');
  if (has('det_type')) {
    const v = get('det_type');
    if (typeof v !== 'string' || !(DETECTOR_TYPES as readonly string[]).includes(v)) {
      throw corrupt(file, 'det_type', `is ${JSON.stringify(v)}; one of ${DETECTOR_TYPES.join(', ')} expected`);
    }
    m.detType = v as DetectorType;
  }
  return m;
}

/** Reads a Deepness ONNX file's metadata (no session is started). */
export async function readDeepnessMetadata(path: string): Promise<DeepnessModelInfo> {
  const onnx = await readOnnxInfo(path);
  const warnings: string[] = [];
  const metadata = parseDeepnessMetadata(path, onnx.metadata, warnings);
  return { file: path, onnx, metadata, warnings };
}
