// parseManifest names the file and key path of every problem; loadModelFolder refuses broken
// folders before any session starts and checks each graph against its manifest entry. The ONNX
// files are real graphs written by the onnx Python package into a temp folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { parseManifest, loadModelFolder } from '../../main/model/index.ts';
import { ApiError } from '../../main/api.ts';
import { sampleManifest, badCases, goodVariants } from './manifest-sample.ts';

const FILE = 'models/x/manifest.json';

test('the sample manifest and its valid variants parse', () => {
  for (const v of goodVariants) {
    const m = sampleManifest();
    v.change(m);
    assert.doesNotThrow(() => parseManifest(m, FILE), v.what);
  }
});

for (const c of badCases) {
  test(`rejects: ${c.what}`, () => {
    const m = sampleManifest();
    c.break(m);
    assert.throws(
      () => parseManifest(m, FILE),
      (err: unknown) => {
        assert.ok(err instanceof ApiError, 'an ApiError');
        assert.equal(err.code, 'E_CORRUPT');
        assert.equal(err.file, FILE);
        assert.ok(err.message.startsWith(`${FILE}: `), `message starts with the file: ${err.message}`);
        assert.ok(err.message.includes(c.expect), `"${err.message}" should contain "${c.expect}"`);
        return true;
      },
    );
  });
}

test('every problem is listed, one line each', () => {
  const m = sampleManifest();
  m.modalities.s2.mean.pop();
  m.modules.s2_encoder.tile.stride = 99;
  assert.throws(() => parseManifest(m, FILE), (err: Error) => {
    const lines = err.message.split('\n');
    assert.equal(lines.length, 2, err.message);
    assert.ok(lines.every((l) => l.startsWith(`${FILE}: `)));
    return true;
  });
});

// ---------------------------------------------------------------- model folders

// A Conv(10 -> 32, k4 s4) with dynamic batch/height/width: the shape of a tiny S2 patch embed.
const MAKE_ONNX = `
import sys, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
out, in_name = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(0)
w = numpy_helper.from_array(rng.standard_normal((32, 10, 4, 4)).astype(np.float32), 'w')
b = numpy_helper.from_array(np.zeros(32, np.float32), 'b')
node = helper.make_node('Conv', [in_name, 'w', 'b'], ['tokens'], kernel_shape=[4, 4], strides=[4, 4])
g = helper.make_graph([node], 'g',
    [helper.make_tensor_value_info(in_name, TensorProto.FLOAT, ['batch', 10, 'height', 'width'])],
    [helper.make_tensor_value_info('tokens', TensorProto.FLOAT, ['batch', 32, 'h4', 'w4'])], [w, b])
m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 17)])
m.ir_version = 8
onnx.checker.check_model(m)
onnx.save(m, out)
`;

let dir = '';
function folder(name: string, inputName = 'image', edit?: (m: any) => void): string {
  const d = join(dir, name);
  spawnSync('mkdir', ['-p', d]);
  const r = spawnSync('/usr/bin/python3', ['-c', MAKE_ONNX, join(d, 's2_encoder.onnx'), inputName], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const m = sampleManifest();
  m.modalities = { s2: m.modalities.s2 };
  m.modules = { s2_encoder: m.modules.s2_encoder };
  m.dateEmbedding = null;
  edit?.(m);
  writeFileSync(join(d, 'manifest.json'), JSON.stringify(m, null, 2));
  return d;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'skysense-manifest-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('loads a folder, opens the module on demand on cpu and runs it', async () => {
  const d = folder('ok');
  const mf = await loadModelFolder(d, { intraOpThreads: 1 });
  try {
    assert.deepEqual(mf.moduleNames(), ['s2_encoder']);
    const s = await mf.session('s2_encoder');
    assert.equal(s.provider, 'cpu');
    assert.equal(await mf.session('s2_encoder'), s, 'the session is created once and shared');
    const x = new ort.Tensor('float32', new Float32Array(2 * 10 * 64 * 64).fill(0.5), [2, 10, 64, 64]);
    const out = await s.session.run({ image: x });
    assert.deepEqual(out.tokens.dims, [2, 32, 16, 16]);
  } finally {
    await mf.close();
  }
});

test('a provider that does not start falls through to the next one', async () => {
  const mf = await loadModelFolder(folder('fallback'), { providers: ['no-such-provider', 'cpu'] });
  try {
    assert.equal((await mf.session('s2_encoder')).provider, 'cpu');
  } finally {
    await mf.close();
  }
});

async function rejectsWith(p: Promise<unknown>, code: string, ...parts: string[]): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.code, code, err.message);
    for (const part of parts) assert.ok(err.message.includes(part), `"${err.message}" should contain "${part}"`);
    return true;
  });
}

test('a missing module file is named with its key path before any session starts', async () => {
  const d = folder('missing', 'image', (m) => (m.modules.s2_encoder.fp16File = 's2_encoder.fp16.onnx'));
  await rejectsWith(loadModelFolder(d), 'E_NOT_FOUND', join(d, 'manifest.json'), 'modules.s2_encoder.fp16File', 's2_encoder.fp16.onnx does not exist');
});

test('no manifest, empty manifest, broken JSON and an invalid manifest each say so', async () => {
  const d = folder('broken');
  rmSync(join(d, 'manifest.json'));
  await rejectsWith(loadModelFolder(d), 'E_NOT_FOUND', 'manifest.json: missing');
  writeFileSync(join(d, 'manifest.json'), '');
  await rejectsWith(loadModelFolder(d), 'E_EMPTY', 'manifest.json: empty');
  writeFileSync(join(d, 'manifest.json'), '{"schemaVersion": 1,');
  await rejectsWith(loadModelFolder(d), 'E_CORRUPT', 'manifest.json: not valid JSON');
  writeFileSync(join(d, 'manifest.json'), JSON.stringify({ ...sampleManifest(), modules: { s2_encoder: { file: 'x' } } }));
  await rejectsWith(loadModelFolder(d), 'E_CORRUPT', 'manifest.json: modules.s2_encoder.file');
  await rejectsWith(loadModelFolder(join(d, 'nope')), 'E_NOT_FOUND', 'model folder does not exist');
});

test('a graph whose input name differs from the manifest fails at session start', async () => {
  const mf = await loadModelFolder(folder('renamed', 'pixels'));
  try {
    await rejectsWith(mf.session('s2_encoder'), 'E_CORRUPT', 'modules.s2_encoder.inputs', '["image"]', '["pixels"]');
  } finally {
    await mf.close();
  }
});

test('a graph whose fixed sizes differ from the manifest fails at session start', async () => {
  const d = folder('channels', 'image', (m) => {
    m.modules.s2_encoder.outputs[0].shape = ['batch', 64, 'h4', 'w4'];
    m.modules.s2_encoder.outputs[0].channels = 64;
  });
  const mf = await loadModelFolder(d);
  try {
    await rejectsWith(mf.session('s2_encoder'), 'E_CORRUPT', 'modules.s2_encoder.outputs[0].shape', '"batch", 64', '"batch", 32');
  } finally {
    await mf.close();
  }
});

test('a corrupt ONNX file fails with the file named; unknown modules are refused', async () => {
  const d = folder('corrupt');
  const f = join(d, 's2_encoder.onnx');
  writeFileSync(f, readFileSync(f).subarray(0, 200));
  const mf = await loadModelFolder(d);
  try {
    await rejectsWith(mf.session('s2_encoder'), 'E_CORRUPT', f, 'ONNX Runtime could not load it');
    await rejectsWith(mf.session('hr_encoder'), 'E_NOT_FOUND', 'no module "hr_encoder"');
  } finally {
    await mf.close();
  }
});
