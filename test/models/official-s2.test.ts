// The official-size S2 branch: an official-layout checkpoint (random tensors under the released key
// names and shapes: ViT-L patch 4, 10 in-ch, 1024/24/16, pos_embed (1,257,1024), plus ctpe) converts
// with models/convert.py --modules s2_encoder --config official, and the 1.2 GB ONNX runs in
// onnxruntime-node through main/model on one real 64x64 OSCD tile, equal to PyTorch on that tile.
// Tolerance: max |ORT - torch| <= 1e-4 x max |torch| over the four tapped layers (fp32 through 24
// layers; measured 1.2e-6). Cost: ~2 min here (conversion ~75 s), ~6 GB peak RAM in Python.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { compareModules, formatLine, preparePyTorchSide, REPO } from '../parity/parity-check.ts';

const REL_TOLERANCE = 1e-4;
const work = mkdtempSync(join(tmpdir(), 'skysense-official-s2-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('official-layout S2 ViT-L converts and matches PyTorch in onnxruntime-node on a real tile', { timeout: 900_000 }, async () => {
  const t0 = performance.now();
  const index = preparePyTorchSide(work, [], 'models.parity.official_s2');
  const tPy = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const lines = await compareModules(work, index, REL_TOLERANCE, true);
  const tOrt = (performance.now() - t1) / 1000;
  assert.equal(lines.length, 1, 'the folder holds s2_encoder only');
  const [line] = lines;
  const s = index.seconds ?? {};
  console.log(`  ${formatLine(line)} relative=${(line.maxAbsDiff / line.maxAbs).toExponential(2)} max|torch|=${line.maxAbs.toPrecision(4)}`);
  console.log(
    `  times: checkpoint ${s.write_checkpoint}s, convert ${s.convert}s, torch forward ${s.torch_forward}s, ` +
      `python total ${tPy.toFixed(0)}s; ORT session + run ${tOrt.toFixed(1)}s (run ${(line.ms / 1000).toFixed(2)}s)`,
  );
  const c = index.cases[0];
  assert.deepEqual(c.inputs[0].shape, [1, 10, 64, 64]);
  assert.deepEqual(c.outputs.map((o) => o.name), ['feat_l5', 'feat_l11', 'feat_l17', 'feat_l23']);
  for (const o of c.outputs) assert.deepEqual(o.shape, [1, 1024, 16, 16], o.name);
  assert.ok(line.ok, formatLine(line));
  assert.ok(line.maxAbs > 1, `features are not trivially small (max ${line.maxAbs})`);

  // The converted folder's manifest (checkpoint hashes, official shapes) passes the JSON Schema too.
  const schema = JSON.parse(readFileSync(join(REPO, 'models', 'manifest.schema.json'), 'utf8'));
  const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
  const manifest: { provenance: { weights: string; checkpoint: { file: string }[] } } = JSON.parse(
    readFileSync(join(work, index.model, 'manifest.json'), 'utf8'),
  );
  assert.ok(validate(manifest), JSON.stringify(validate.errors));
  assert.equal(manifest.provenance.weights, 'converted');
  assert.equal(manifest.provenance.checkpoint[0].file, 'skysense_model_backbone_s2.pth');
});
