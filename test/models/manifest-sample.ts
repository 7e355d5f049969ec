// A complete, valid manifest in the agreed shape, built fresh per call so each test can break
// one key of its own copy. The numbers are SkySense++'s published normalisation (SKYSENSE.md §3).
export function sampleManifest(): any {
  const featIn = (name: string, c: number) => ({ name, dtype: 'float32', shape: ['batch', c, 'h', 'w'] });
  return {
    schemaVersion: 1,
    kind: 'encoder',
    name: 'skysense-tiny',
    title: 'SkySense-Tiny (random init)',
    config: 'tiny',
    provenance: {
      architecture: 'SkySense (CVPR 2024, arXiv 2312.10115)',
      weights: 'random-init',
      checkpoint: null,
      exporter: 'models/convert.py',
      created: '2025-01-01T00:00:00Z',
      torch: '1.13.1',
      opset: 17,
    },
    licence: { code: 'Apache-2.0', weights: 'random init, no restrictions' },
    modalities: {
      hr: { bands: ['R', 'G', 'B'], units: '0-255', mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], gsd: 0.3 },
      s2: {
        bands: ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12'],
        units: 'reflectance',
        scale: 10000,
        mean: [884.3, 1144.16, 1297.47, 1624.91, 2194.64, 2422.21, 2517.76, 2581.65, 2368.51, 1805.07],
        std: [1155.15, 1183.63, 1368.11, 1370.27, 1355.55, 1416.51, 1474.79, 1439.31, 1455.52, 1343.48],
        gsd: 10,
      },
      s1: { bands: ['VV', 'VH'], units: 'dB', mean: [-12.548, -20.192], std: [5.257, 5.912], gsd: 10 },
    },
    modules: {
      hr_encoder: {
        file: 'hr_encoder.onnx',
        fp16File: null,
        externalData: false,
        role: 'encoder',
        modality: 'hr',
        inputs: [{ name: 'image', dtype: 'float32', shape: ['batch', 3, 'height', 'width'] }],
        outputs: [
          { name: 'feat_s4', dtype: 'float32', shape: ['batch', 8, 'h4', 'w4'], stride: 4, channels: 8 },
          { name: 'feat_s32', dtype: 'float32', shape: ['batch', 64, 'h32', 'w32'], stride: 32, channels: 64 },
        ],
        tile: { size: 256, stride: 224, validSizes: [256, 512], multipleOf: 256 },
        notes: 'stage-3 map must be at least one window',
      },
      s2_encoder: {
        file: 's2_encoder.onnx',
        role: 'encoder',
        modality: 's2',
        inputs: [{ name: 'image', dtype: 'float32', shape: ['batch', 10, 'height', 'width'] }],
        outputs: [{ name: 'tokens', dtype: 'float32', shape: ['batch', 32, 'h4', 'w4'], stride: 4, channels: 32 }],
        tile: { size: 64, stride: 56, multipleOf: 4 },
      },
      s1_encoder: {
        file: 's1_encoder.onnx',
        role: 'encoder',
        modality: 's1',
        inputs: [{ name: 'image', dtype: 'float32', shape: ['batch', 2, 'height', 'width'] }],
        outputs: [{ name: 'tokens', dtype: 'float32', shape: ['batch', 32, 'h4', 'w4'], stride: 4, channels: 32 }],
        tile: { size: 64, stride: 56, multipleOf: 4 },
      },
      s2_up: {
        file: 's2_up.onnx',
        role: 'upsample',
        modality: 's2',
        inputs: [featIn('tokens', 32)],
        outputs: [{ name: 'feat', dtype: 'float32', shape: ['batch', 64, 'h', 'w'], stride: 1, channels: 64 }],
        tile: null,
      },
      fusion: {
        file: 'fusion.onnx',
        role: 'fusion',
        modality: 'fused',
        inputs: [
          featIn('hr', 64),
          { name: 's2', dtype: 'float32', shape: ['batch', 't_s2', 64, 'h', 'w'] },
          { name: 's2_doy', dtype: 'int64', shape: ['batch', 't_s2'], description: 'day of year - 1 per S2 frame' },
        ],
        outputs: [{ name: 'fused', dtype: 'float32', shape: ['batch', 32, 'h', 'w'], channels: 32 }],
        tile: null,
      },
    },
    dateEmbedding: { table: 365, index: 'day_of_year - 1, clamped to 0..364', appliesTo: ['s2'] },
    geoContext: null,
  };
}

export interface BadCase {
  what: string;
  break(m: any): void;
  /** Key path and words the parseManifest message must contain. */
  expect: string;
  /** True when the JSON Schema alone rejects it; false for cross-checks only zod-side code states. */
  schemaRejects: boolean;
}

export const badCases: BadCase[] = [
  { what: 'shape not an array', break: (m) => (m.modules.s2_encoder.inputs[0].shape = 'batch,10,h,w'), expect: 'modules.s2_encoder.inputs[0].shape: expected array', schemaRejects: true },
  { what: 'unknown top-level key', break: (m) => (m.weightsUrl = 'http://x'), expect: 'weightsUrl: unknown key', schemaRejects: true },
  { what: 'unknown module key', break: (m) => (m.modules.hr_encoder.batch = 4), expect: 'modules.hr_encoder.batch: unknown key', schemaRejects: true },
  { what: 'units outside the enum', break: (m) => (m.modalities.s2.units = 'percent'), expect: 'modalities.s2.units', schemaRejects: true },
  { what: 'file climbs out of the folder', break: (m) => (m.modules.hr_encoder.file = '../evil.onnx'), expect: 'modules.hr_encoder.file: expected a plain .onnx file name', schemaRejects: true },
  { what: 'file in a subfolder', break: (m) => (m.modules.s1_encoder.file = 'sub/s1.onnx'), expect: 'modules.s1_encoder.file', schemaRejects: true },
  { what: 'absolute file', break: (m) => (m.modules.s1_encoder.file = '/tmp/s1.onnx'), expect: 'modules.s1_encoder.file', schemaRejects: true },
  { what: 'fp16 file climbs out', break: (m) => (m.modules.hr_encoder.fp16File = '..hidden.onnx'), expect: 'modules.hr_encoder.fp16File', schemaRejects: true },
  { what: 'external data file with a path', break: (m) => { m.modules.hr_encoder.externalData = true; m.modules.hr_encoder.externalDataFiles = ['../w.data']; }, expect: 'modules.hr_encoder.externalDataFiles[0]', schemaRejects: true },
  { what: 'zero std', break: (m) => (m.modalities.s1.std[1] = 0), expect: 'modalities.s1.std[1]', schemaRejects: true },
  { what: 'schemaVersion 2', break: (m) => (m.schemaVersion = 2), expect: 'schemaVersion: unsupported schemaVersion', schemaRejects: true },
  { what: 'opset missing', break: (m) => delete m.provenance.opset, expect: 'provenance.opset: missing', schemaRejects: true },
  { what: 'zero-size axis', break: (m) => (m.modules.fusion.inputs[0].shape[0] = 0), expect: 'modules.fusion.inputs[0].shape[0]', schemaRejects: true },
  { what: 'axis name with a space', break: (m) => (m.modules.fusion.inputs[0].shape[2] = 'h w'), expect: 'modules.fusion.inputs[0].shape[2]', schemaRejects: true },
  { what: 'unknown modality key', break: (m) => (m.modalities.s3 = m.modalities.s1), expect: 'modalities', schemaRejects: true },
  { what: 'module name with capitals', break: (m) => (m.modules.S2Encoder = m.modules.s2_encoder), expect: 'modules', schemaRejects: true },
  { what: 'float64 dtype', break: (m) => (m.modules.s2_up.outputs[0].dtype = 'float64'), expect: 'modules.s2_up.outputs[0].dtype', schemaRejects: true },
  { what: 'bad checkpoint hash', break: (m) => (m.provenance.checkpoint = [{ file: 'a.pth', sha256: 'xyz' }]), expect: 'provenance.checkpoint', schemaRejects: true },
  { what: 'weights origin outside the enum', break: (m) => (m.provenance.weights = 'downloaded'), expect: 'provenance.weights', schemaRejects: true },
  { what: 'gsd negative', break: (m) => (m.modalities.hr.gsd = -0.3), expect: 'modalities.hr.gsd', schemaRejects: true },
  { what: 'tile without stride', break: (m) => delete m.modules.s2_encoder.tile.stride, expect: 'modules.s2_encoder.tile.stride: missing', schemaRejects: true },
  { what: 'no modules', break: (m) => (m.modules = {}), expect: 'modules', schemaRejects: true },
  { what: 'created not ISO', break: (m) => (m.provenance.created = 'yesterday'), expect: 'provenance.created', schemaRejects: true },
  // Cross-checks: valid JSON Schema, wrong model.
  { what: 'mean shorter than bands', break: (m) => m.modalities.s2.mean.pop(), expect: 'modalities.s2.mean: has 9 values for 10 bands', schemaRejects: false },
  { what: 'std longer than bands', break: (m) => m.modalities.s1.std.push(1), expect: 'modalities.s1.std: has 3 values for 2 bands', schemaRejects: false },
  { what: 'encoder channels differ from bands', break: (m) => (m.modules.s2_encoder.inputs[0].shape[1] = 4), expect: 'modules.s2_encoder.inputs[0].shape[1]: is 4 but modalities.s2 has 10 bands', schemaRejects: false },
  { what: 'encoder channels dynamic', break: (m) => (m.modules.s1_encoder.inputs[0].shape[1] = 'c'), expect: 'modules.s1_encoder.inputs[0].shape[1]', schemaRejects: false },
  { what: 'band names repeat', break: (m) => (m.modalities.hr.bands = ['R', 'R', 'B']), expect: 'modalities.hr.bands', schemaRejects: true },
  { what: 'module reads an undescribed modality', break: (m) => delete m.modalities.s1, expect: 'modules.s1_encoder.modality: "s1" is not described', schemaRejects: false },
  { what: 'tile stride beyond size', break: (m) => (m.modules.s2_encoder.tile.stride = 80), expect: 'modules.s2_encoder.tile.stride: 80 exceeds tile size 64', schemaRejects: false },
  { what: 'tile size not a valid size', break: (m) => (m.modules.hr_encoder.tile.size = 768), expect: 'modules.hr_encoder.tile.size: 768 is not one of validSizes', schemaRejects: false },
  { what: 'tile size not a multiple', break: (m) => (m.modules.s2_encoder.tile.size = 66), expect: 'modules.s2_encoder.tile.size: 66 is not a multiple of 4', schemaRejects: false },
  { what: 'encoder without tile', break: (m) => (m.modules.hr_encoder.tile = null), expect: 'modules.hr_encoder.tile: an encoder reads imagery', schemaRejects: false },
  { what: 'channels disagree with shape', break: (m) => (m.modules.s2_up.outputs[0].channels = 65), expect: 'modules.s2_up.outputs[0].channels: is 65 but shape[1] is 64', schemaRejects: false },
  { what: 'input names repeat', break: (m) => (m.modules.fusion.inputs[1].name = 'hr'), expect: 'modules.fusion.inputs[1].name: repeats input name', schemaRejects: false },
  { what: 'date embedding on an absent modality', break: (m) => { delete m.modalities.s1; delete m.modules.s1_encoder; m.dateEmbedding.appliesTo = ['s2', 's1']; }, expect: 'dateEmbedding.appliesTo[1]', schemaRejects: false },
  { what: 'externalData without files', break: (m) => (m.modules.hr_encoder.externalData = true), expect: 'modules.hr_encoder.externalDataFiles: missing', schemaRejects: false },
];

/** Variants that both validators must accept. */
export const goodVariants: { what: string; change(m: any): void }[] = [
  { what: 'as written', change: () => {} },
  { what: 'checkpoint as a list of hashes', change: (m) => (m.provenance.checkpoint = [{ file: 'skysense_model_backbone_s2.pth', sha256: 'a'.repeat(64) }]) },
  { what: 'checkpoint as a text line', change: (m) => (m.provenance.checkpoint = 'skysense_model_backbone_s2.pth sha256:abc') },
  { what: 'fp16 variant and external data', change: (m) => { m.modules.hr_encoder.fp16File = 'hr_encoder.fp16.onnx'; m.modules.hr_encoder.externalData = true; m.modules.hr_encoder.externalDataFiles = ['hr_encoder.onnx.data']; } },
  { what: 'only the S2 branch', change: (m) => { m.modalities = { s2: m.modalities.s2 }; m.modules = { s2_encoder: m.modules.s2_encoder }; m.dateEmbedding = null; } },
  { what: 'fixed sizes everywhere', change: (m) => (m.modules.s2_encoder.inputs[0].shape = [1, 10, 64, 64]) },
  { what: 'geo context described', change: (m) => (m.geoContext = { grid: '1 degree lat/lon cells', regions: 4096, prototypesPerRegion: 100, notes: 'not in any release' }) },
  { what: 'no optional blocks', change: (m) => { delete m.dateEmbedding; delete m.geoContext; delete m.modules.hr_encoder.notes; } },
];

// ---------------------------------------------------------------- heads

/** A valid head manifest in the agreed shape (main/model/head-manifest.ts): binary S1 water, sigmoid. */
export function sampleHeadManifest(): any {
  return {
    schemaVersion: 1,
    kind: 'head',
    name: 's1-water',
    title: 'Surface water from Sentinel-1',
    task: 'segment',
    encoder: { name: 'skysense-tiny', modality: 's1', module: 's1_encoder', weightsSha256: 'ab'.repeat(32) },
    file: 'head.onnx',
    inputs: [{ name: 'feat', dtype: 'float32', shape: ['batch', 128, 'h', 'w'], tap: 'feat_l3' }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 1, 'h', 'w'], stride: 4 }],
    activation: 'sigmoid',
    threshold: 0.5,
    classes: [
      { value: 0, name: 'not water', color: '#000000' },
      { value: 1, name: 'water', color: '#1f78b4' },
    ],
    tile: { size: 64, stride: 48 },
    training: {
      data: 'Sen1Floods11 hand-labelled chip Spain_7370579, top half',
      licence: 'CC-BY-4.0',
      samples: 1234,
      epochs: 50,
      script: 'models/heads/train.py',
      metrics: { f1: 0.81 },
      evaluatedOn: 'bottom half of the same chip',
      created: '2026-11-26T22:00:00Z',
    },
    licence: { code: 'Apache-2.0', weights: 'CC-BY-4.0 (trained on Sen1Floods11 labels)' },
  };
}

const changeInputs = () => [
  { name: 'feat_a', dtype: 'float32', shape: ['batch', 128, 'h', 'w'], tap: 'feat_l3', date: 'a' },
  { name: 'feat_b', dtype: 'float32', shape: ['batch', 128, 'h', 'w'], tap: 'feat_l3', date: 'b' },
];

export const goodHeadVariants: { what: string; change(m: any): void }[] = [
  { what: 'head as written', change: () => {} },
  { what: 'softmax segment head with three classes', change: (m) => { m.activation = 'softmax'; delete m.threshold; m.outputs[0].shape[1] = 3; m.classes.push({ value: 7, name: 'flooded vegetation', color: '#33a02c' }); } },
  { what: 'change head on both dates', change: (m) => { m.task = 'change'; m.inputs = changeInputs(); } },
  { what: 'multi-label classify head', change: (m) => { m.task = 'classify'; m.outputs = [{ name: 'scores', dtype: 'float32', shape: ['batch', 3] }]; m.classes.push({ value: 2, name: 'urban', color: '#ff0000' }); } },
  { what: 'detect head with oriented boxes', change: (m) => { m.task = 'detect'; m.outputs = [{ name: 'scores', dtype: 'float32', shape: ['batch', 1, 'h', 'w'], stride: 4 }, { name: 'boxes', dtype: 'float32', shape: ['batch', 5, 'h', 'w'], stride: 4 }]; m.classes = [{ value: 0, name: 'ship', color: '#ff0000' }]; } },
  { what: 'unknown encoder hash, no optional keys', change: (m) => { m.encoder.weightsSha256 = null; delete m.threshold; delete m.tile; m.training = { data: 'x', licence: 'y' }; } },
  { what: 'fused S2/S1 series segment head on the fusion output', change: (m) => { m.encoder = { name: 'skysense-tiny', modality: 'fused', module: 'fusion', weightsSha256: null }; m.inputs = [{ name: 'fused', dtype: 'float32', shape: ['batch', 128, 'h', 'w'], tap: 'fused' }]; m.outputs[0].stride = 1; } },
  { what: 'fused change head on series a and b', change: (m) => { m.task = 'change'; m.encoder = { name: 'skysense-tiny', modality: 'fused', module: 'fusion', weightsSha256: null }; m.inputs = changeInputs().map((i) => ({ ...i, tap: 'fused' })); m.outputs[0].stride = 1; } },
  { what: 'dynamic class axis', change: (m) => (m.outputs[0].shape[1] = 'k') },
];

export const badHeadCases: BadCase[] = [
  { what: 'head: missing encoder', break: (m) => delete m.encoder, expect: 'encoder: missing', schemaRejects: true },
  { what: 'head: unknown key', break: (m) => (m.palette = []), expect: 'palette: unknown key', schemaRejects: true },
  { what: 'head: task outside the enum', break: (m) => (m.task = 'regress'), expect: 'task', schemaRejects: true },
  { what: 'head: colour not #rrggbb', break: (m) => (m.classes[1].color = 'blue'), expect: 'classes[1].color: expected a colour', schemaRejects: true },
  { what: 'head: class value 255 (nodata)', break: (m) => (m.classes[1].value = 255), expect: 'classes[1].value', schemaRejects: true },
  { what: 'head: threshold 1', break: (m) => (m.threshold = 1), expect: 'threshold', schemaRejects: true },
  { what: 'head: input without a tap', break: (m) => delete m.inputs[0].tap, expect: 'inputs[0].tap: missing', schemaRejects: true },
  { what: 'head: file outside the folder', break: (m) => (m.file = '../head.onnx'), expect: 'file: expected a plain .onnx file name', schemaRejects: true },
  { what: 'head: encoder hash not hex', break: (m) => (m.encoder.weightsSha256 = 'xyz'), expect: 'encoder.weightsSha256', schemaRejects: true },
  { what: 'head: encoder modality outside the enum', break: (m) => (m.encoder.modality = 'sar'), expect: 'encoder.modality', schemaRejects: true },
  { what: 'head: fused detect head', break: (m) => { m.task = 'detect'; m.encoder.modality = 'fused'; }, expect: 'encoder.modality: "fused" heads are segment, change or classify heads (this is a detect head)', schemaRejects: false },
  { what: 'head: training without data', break: (m) => delete m.training.data, expect: 'training.data: missing', schemaRejects: true },
  { what: 'head: metric not a number', break: (m) => (m.training.metrics.f1 = 'good'), expect: 'training.metrics.f1', schemaRejects: true },
  { what: 'head: encoder keys on a head', break: (m) => (m.config = 'tiny'), expect: 'config: unknown key', schemaRejects: true },
  // Cross-checks: valid JSON Schema, inconsistent head.
  { what: 'head: class values repeat', break: (m) => (m.classes[1].value = 0), expect: 'classes[1].value: repeats class value 0', schemaRejects: false },
  { what: 'head: softmax channels differ from classes', break: (m) => (m.activation = 'softmax'), expect: 'outputs[0].shape[1]: is 1 but a softmax head needs one channel per class (2 classes)', schemaRejects: false },
  { what: 'head: sigmoid segment with 2 channels', break: (m) => (m.outputs[0].shape[1] = 2), expect: 'outputs[0].shape[1]: is 2: a per-pixel sigmoid head must be binary', schemaRejects: false },
  { what: 'head: segment output without stride', break: (m) => delete m.outputs[0].stride, expect: 'outputs[0].stride: missing', schemaRejects: false },
  { what: 'head: change head with one date', break: (m) => { m.task = 'change'; m.inputs = changeInputs(); m.inputs[1].date = 'a'; }, expect: 'inputs: a change head needs inputs for both dates', schemaRejects: false },
  { what: 'head: change input without a date', break: (m) => { m.task = 'change'; m.inputs = changeInputs(); delete m.inputs[0].date; }, expect: 'inputs[0].date: missing', schemaRejects: false },
  { what: 'head: date on a segment head', break: (m) => (m.inputs[0].date = 'a'), expect: 'inputs[0].date: only change heads take dates', schemaRejects: false },
  { what: 'head: classify output with h, w', break: (m) => (m.task = 'classify'), expect: 'outputs[0].shape: expected [batch, classes]', schemaRejects: false },
  { what: 'head: tap input of 2 axes', break: (m) => (m.inputs[0].shape = ['batch', 128]), expect: 'inputs[0].shape: expected [batch, channels, h, w]', schemaRejects: false },
  { what: 'head: tile stride beyond size', break: (m) => (m.tile.stride = 65), expect: 'tile.stride: 65 exceeds tile size 64', schemaRejects: false },
];
