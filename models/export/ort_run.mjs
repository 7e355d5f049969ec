// Runs one ONNX file in onnxruntime-node (the runtime the application ships) on tensors written by
// models/export/ort_node.py, and writes the outputs back. Usage:
//   node models/export/ort_run.mjs MODEL.onnx IO_DIR [REPEAT]
// IO_DIR/inputs.json: [{name, dtype: "float32"|"int64", dims, file}] with raw little-endian files.
// Writes IO_DIR/outputs.json: {outputs: [{name, dtype, dims, file}], ms: [per-run wall ms], loadMs}.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';

const [model, dir, repeatArg] = process.argv.slice(2);
if (!model || !dir) {
  console.error('usage: node models/export/ort_run.mjs MODEL.onnx IO_DIR [REPEAT]');
  process.exit(2);
}
const repeat = Math.max(1, Number(repeatArg ?? 1));
const specs = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8'));
const feeds = {};
for (const s of specs) {
  const buf = readFileSync(join(dir, s.file));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const data = s.dtype === 'int64' ? new BigInt64Array(ab) : new Float32Array(ab);
  feeds[s.name] = new ort.Tensor(s.dtype, data, s.dims);
}
const t0 = performance.now();
// One intra-op thread pair: the machine is shared; the caller measures relative numbers.
const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 2, interOpNumThreads: 1 });
const loadMs = performance.now() - t0;
let result;
const ms = [];
for (let i = 0; i < repeat; i++) {
  const t = performance.now();
  result = await session.run(feeds);
  ms.push(performance.now() - t);
}
const outputs = [];
for (const name of session.outputNames) {
  const t = result[name];
  const file = `out_${outputs.length}.bin`;
  writeFileSync(join(dir, file), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  outputs.push({ name, dtype: t.type, dims: t.dims, file });
}
writeFileSync(join(dir, 'outputs.json'), JSON.stringify({ outputs, ms, loadMs }));
