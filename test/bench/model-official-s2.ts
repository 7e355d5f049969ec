// Official-size S2 branch check (too slow for `npm test`: about 3 min of conversion on this 2-core
// machine, 1.2 GB of weights, ~6 GB peak RAM in Python). Run it alone:
//   node --import tsx test/bench/model-official-s2.ts [--keep]
// An official-layout checkpoint (random tensors under the released key names and shapes: ViT-L
// patch 4, 10 in-ch, 1024/24/16, pos_embed (1,257,1024), ctpe) is converted by models/convert.py
// --modules s2_encoder --config official; the ONNX then runs in onnxruntime-node through
// main/model on one real 64x64 OSCD tile and must equal PyTorch on the same tile: max |ORT - torch|
// <= 1e-4 x max |torch| over the four tapped layers (fp32 through 24 layers; measured ~1e-6).
// Exit 1 on any failure; temp files are removed unless --keep.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareModules, formatLine, preparePyTorchSide } from '../parity/parity-check.ts';

const OFFICIAL_REL_TOLERANCE = 1e-4;

const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'skysense-official-s2-'));
let failed = true;
try {
  const t0 = performance.now();
  const index = preparePyTorchSide(work, [], 'models.parity.official_s2');
  const tPy = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const [line] = await compareModules(work, index, OFFICIAL_REL_TOLERANCE, true);
  const tOrt = (performance.now() - t1) / 1000;
  const c = index.cases[0];
  console.log(formatLine(line) + `  (relative ${(line.maxAbsDiff / line.maxAbs).toExponential(2)}, max|torch|=${line.maxAbs.toPrecision(4)})`);
  console.log(`official s2_encoder outputs: ${c.outputs.map((o) => `${o.name}[${o.shape.join('x')}]`).join(' ')}; input ${c.inputs[0].shape.join('x')} ${c.source}`);
  const s = index.seconds ?? {};
  console.log(
    `official s2 times: checkpoint ${s.write_checkpoint}s, convert ${s.convert}s, torch load ${s.load_torch}s, ` +
      `torch forward ${s.torch_forward}s; python total ${tPy.toFixed(1)}s; ORT session+run ${tOrt.toFixed(1)}s (run ${(line.ms / 1000).toFixed(2)}s)`,
  );
  const shapesOk = c.outputs.length === 4 && c.outputs.every((o) => o.shape.join(',') === '1,1024,16,16');
  if (!shapesOk) console.log('official s2: unexpected output shapes');
  failed = !line.ok || !shapesOk;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
