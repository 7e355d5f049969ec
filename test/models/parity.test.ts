// `npm run parity` inside `npm test`: every module of a tiny random-init export, run in
// onnxruntime-node through main/model, matches PyTorch on real tiles within 1e-4; and the
// comparison itself catches a difference just above the tolerance.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { compareModules, formatLine, preparePyTorchSide, REPO, TOLERANCE, type ParityIndex } from '../parity/parity-check.ts';

const EXPECTED_MODULES = ['hr_encoder', 's2_encoder', 's1_encoder', 's2_up', 's1_up', 'fusion', 'geo_context'];

let work = '';
let index: ParityIndex;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'skysense-parity-test-'));
  index = preparePyTorchSide(work);
});
after(() => rmSync(work, { recursive: true, force: true }));

test('every tiny module agrees with PyTorch within 1e-4 on real inputs', { timeout: 600_000 }, async () => {
  const lines = await compareModules(work, index);
  for (const l of lines) console.log(`  ${formatLine(l)}  ${l.source}`);
  assert.deepEqual(lines.map((l) => l.module).sort(), [...EXPECTED_MODULES].sort());
  for (const l of lines) {
    assert.ok(l.ok, formatLine(l));
    // An all-zero output would agree trivially; real features are not zero.
    assert.ok(l.maxAbs > 1e-3, `${l.module}: PyTorch output is ~0 (max |x| ${l.maxAbs})`);
  }
});

test('the exported manifest passes the JSON Schema as well as main/model', () => {
  const schema = JSON.parse(readFileSync(join(REPO, 'models', 'manifest.schema.json'), 'utf8'));
  const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
  const manifest: { provenance: { weights: string } } = JSON.parse(readFileSync(join(work, index.model, 'manifest.json'), 'utf8'));
  assert.ok(validate(manifest), JSON.stringify(validate.errors));
  assert.equal(manifest.provenance.weights, 'random-init');
});

test('the inputs are the real tiles the cases name', () => {
  const sources = Object.fromEntries(index.cases.map((c) => [c.module, c.source]));
  assert.match(sources.s2_encoder, /OSCD \w+ imgs_1 B02,B03,B04,B05,B06,B07,B08,B8A,B11,B12/);
  assert.match(sources.s1_encoder, /Sen1Floods11 Spain_7370579 VV,VH/);
  assert.match(sources.hr_encoder, /LoveDA/);
  assert.match(sources.fusion, /SSL4EO-S12 .*2020-06-04,2020-08-13 .*doy \[0, 156, 226, 0, 0\]/);
  // The OSCD tile must hold real reflectance, not a constant: read it back and look at its spread.
  const s2 = index.cases.find((c) => c.module === 's2_encoder')!.inputs[0];
  const buf = readFileSync(join(work, s2.file));
  const x = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.ok(max - min > 1, `normalised S2 tile spans ${min}..${max}`);
});

test('a difference just above the tolerance is reported as a miss', async () => {
  const c = index.cases.find((x) => x.module === 'fusion')!;
  const f = join(work, c.outputs[0].file);
  const buf = readFileSync(f);
  const x = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  x[17] += 3 * TOLERANCE;
  writeFileSync(f, Buffer.from(x.buffer));
  const lines = await compareModules(work, index);
  const fusion = lines.find((l) => l.module === 'fusion')!;
  assert.equal(fusion.ok, false, formatLine(fusion));
  assert.ok(fusion.maxAbsDiff > 2 * TOLERANCE && fusion.maxAbsDiff < 4 * TOLERANCE, formatLine(fusion));
  assert.ok(lines.filter((l) => l.module !== 'fusion').every((l) => l.ok));
});
