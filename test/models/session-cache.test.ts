// Sessions: the process-wide cache (same key, same session; leases counted; a re-exported
// file gets a new session), warm-up (on by default, sized from the manifest, a graph that
// cannot run on zero inputs is refused before any tile), thread and optimisation options in
// the key, and fp16 files chosen only where they make sense. Real ORT on files made by
// models/convert.py --random-init (and one graph written by the onnx Python package).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ApiError } from '../../main/api.ts';
import {
  acquireSession,
  cachedSessionCount,
  loadModelFolder,
  sessionKey,
  startSession,
  warmupShape,
} from '../../main/model/index.ts';
import { makeTinyModel, maxAbsDiff, PYTHON, readManifest } from '../bench/provider-fixtures.ts';

let work = '';
let model = '';
let s2up = '';

before(() => {
  work = mkdtempSync(join(tmpdir(), 'skysense-sessions-'));
  model = makeTinyModel(join(work, 'model'), ['s2_encoder', 's2_up'], { fp16: true });
  s2up = join(model, 's2_up.onnx');
});
after(() => rmSync(work, { recursive: true, force: true }));

const feat = () => new ort.Tensor('float32', Float32Array.from({ length: 128 * 9 }, (_, i) => Math.sin(i)), [1, 128, 3, 3]);

test('the same file, providers and options give the same session; other options another', async () => {
  const before = cachedSessionCount();
  const a = await acquireSession(s2up, ['cpu'], { intraOpThreads: 1 });
  const b = await acquireSession(s2up, ['cpu'], { intraOpThreads: 1, warmup: false });
  const c = await acquireSession(s2up, ['cpu'], { intraOpThreads: 2 });
  const d = await acquireSession(s2up, undefined, { intraOpThreads: 1 });
  try {
    assert.equal(b.started, a.started, 'warm-up is not part of the key');
    assert.equal(b.started.session, a.started.session);
    assert.equal(a.key, b.key);
    assert.notEqual(c.started.session, a.started.session, 'other thread count, other session');
    assert.notEqual(d.key, a.key, 'the default order is another provider list');
    assert.equal(cachedSessionCount(), before + 3);
  } finally {
    for (const l of [a, b, c, d]) await l.release();
  }
  assert.equal(cachedSessionCount(), before);
});

test('a session lives until its last lease is released; then the next acquire starts a new one', async () => {
  const a = await acquireSession(s2up, ['cpu'], { intraOpThreads: 1 });
  const b = await acquireSession(s2up, ['cpu'], { intraOpThreads: 1 });
  await a.release();
  await a.release(); // twice is harmless
  const out = await b.started.session.run({ feat: feat() });
  assert.deepEqual(out.up.dims, [1, 256, 12, 12]);
  await b.release();
  await assert.rejects(b.started.session.run({ feat: feat() }), 'released with its last lease');
  const c = await acquireSession(s2up, ['cpu'], { intraOpThreads: 1 });
  try {
    assert.notEqual(c.started.session, a.started.session);
  } finally {
    await c.release();
  }
});

test('a re-exported file (new modification time) is not served from the old session', async () => {
  const a = await acquireSession(s2up, ['cpu'], { intraOpThreads: 1 });
  try {
    const t = new Date(Date.now() + 5000);
    utimesSync(s2up, t, t);
    const b = await acquireSession(s2up, ['cpu'], { intraOpThreads: 1 });
    try {
      assert.notEqual(b.key, a.key);
      assert.notEqual(b.started.session, a.started.session);
    } finally {
      await b.release();
    }
  } finally {
    await a.release();
  }
});

test('the caller\'s check runs on a cache hit too, and a refused lease is not leaked', async () => {
  const before = cachedSessionCount();
  const a = await acquireSession(s2up, ['cpu'], { intraOpThreads: 1 });
  const refuse = () => {
    throw new ApiError('E_CORRUPT', 'check says no');
  };
  await assert.rejects(acquireSession(s2up, ['cpu'], { intraOpThreads: 1, check: refuse }), /check says no/);
  await a.release();
  assert.equal(cachedSessionCount(), before, 'the refused acquire holds nothing');
});

test('default threads are every core; thread count and optimisation level are part of the key', async () => {
  const k = JSON.parse(await sessionKey(s2up, ['cpu']));
  assert.equal(k.intra, availableParallelism());
  assert.equal(k.inter, 1);
  assert.equal(k.opt, 'all');
  assert.notEqual(await sessionKey(s2up, ['cpu'], { graphOptimization: 'basic' }), await sessionKey(s2up, ['cpu']));
  // A session at every level still computes the same thing.
  const full = await startSession(s2up, ['cpu'], { intraOpThreads: 1 });
  const none = await startSession(s2up, ['cpu'], { intraOpThreads: 1, graphOptimization: 'disabled' });
  try {
    const x = feat();
    const d = maxAbsDiff((await full.session.run({ feat: x })).up.data as Float32Array, (await none.session.run({ feat: x })).up.data as Float32Array);
    assert.ok(d.diff <= 1e-5 && d.maxAbs > 1e-3, JSON.stringify(d));
  } finally {
    await full.session.release();
    await none.session.release();
  }
});

test('warm-up runs by default, sized from the manifest: an encoder at its tile size, other axes 1', async () => {
  const manifest = readManifest(model);
  const shape = warmupShape(manifest.modules.s2_encoder);
  assert.deepEqual(shape, { axes: { height: 64, width: 64 }, defaultSize: 1 });
  assert.deepEqual(warmupShape(manifest.modules.s2_up, { h: 8 }), { axes: { h: 8 }, defaultSize: 1 });
  const warm = await startSession(join(model, 's2_encoder.onnx'), ['cpu'], { warmupShape: shape });
  const cold = await startSession(join(model, 's2_encoder.onnx'), ['cpu'], { warmup: false });
  try {
    assert.ok(warm.warmupMs > 0);
    assert.equal(cold.warmupMs, 0);
  } finally {
    await warm.session.release();
    await cold.session.release();
  }
});

test('a graph that loads but cannot run on zero inputs is refused at start, with the warm-up named', async () => {
  // Reshape [batch, n] -> [-1, 7]: loads everywhere, fails at run unless batch * n divides by 7.
  const file = join(work, 'reshape7.onnx');
  const py = `
import sys, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
shape = numpy_helper.from_array(np.array([-1, 7], np.int64), 'shape')
node = helper.make_node('Reshape', ['x', 'shape'], ['y'])
g = helper.make_graph([node], 'g', [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['batch', 'n'])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, ['m', 7])], [shape])
m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 17)])
m.ir_version = 8
onnx.checker.check_model(m)
onnx.save(m, sys.argv[1])
`;
  const r = spawnSync(PYTHON, ['-c', py, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  await assert.rejects(startSession(file, ['cpu']), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 'E_CORRUPT');
    assert.equal(err.file, file);
    assert.match(err.message, /loaded it but cannot run it on zero inputs \(cpu \(warm-up run\): .*Reshape.* \(on zero x float32\[1, 1\]\)\)/);
    return true;
  });
  // Sized so that it can run, the same graph starts.
  const ok = await startSession(file, ['cpu'], { warmupShape: { axes: { n: 14 } } });
  assert.equal(ok.provider, 'cpu');
  await ok.session.release();
});

test('fp16 files: used on GPU providers only; on cpu the fp32 file runs and the result says so', async () => {
  const manifest = readManifest(model);
  assert.equal(manifest.modules.s2_up.fp16File, 's2_up.fp16.onnx');
  const folder = await loadModelFolder(model, { providers: ['cpu'], intraOpThreads: 1 });
  try {
    const fp32 = await folder.session('s2_up');
    const asked16 = await folder.session('s2_up', 'fp16');
    assert.equal(asked16.provider, 'cpu');
    assert.equal(asked16.precision, 'fp32');
    assert.equal(asked16.file, join(model, 's2_up.onnx'));
    const r = await asked16.run({ feat: feat() });
    assert.equal(r.precision, 'fp32');
    assert.equal(r.file, join(model, 's2_up.onnx'));
    assert.equal(asked16.session, fp32.session, 'the same fp32 session serves both asks on cpu');
  } finally {
    await folder.close();
  }
  // The fp16 file itself is a working graph (float16 weights, float32 maths): within float16 rounding of fp32.
  const half = await ort.InferenceSession.create(join(model, 's2_up.fp16.onnx'));
  const full = await ort.InferenceSession.create(join(model, 's2_up.onnx'));
  const x = feat();
  const d = maxAbsDiff((await half.run({ feat: x })).up.data as Float32Array, (await full.run({ feat: x })).up.data as Float32Array);
  await half.release();
  await full.release();
  assert.ok(d.diff > 0 && d.diff < 2e-3 * d.maxAbs, `fp16 weights move outputs by ${d.diff} (max ${d.maxAbs})`);
});

test('two folders on the same files share sessions; closing one leaves the other working', async () => {
  const before = cachedSessionCount();
  const f1 = await loadModelFolder(model, { providers: ['cpu'], intraOpThreads: 1 });
  const f2 = await loadModelFolder(model, { providers: ['cpu'], intraOpThreads: 1 });
  try {
    const a = await f1.session('s2_up');
    const b = await f2.session('s2_up');
    assert.equal(a.session, b.session);
    assert.equal(cachedSessionCount(), before + 1);
    await f1.close();
    const r = await b.run({ feat: feat() });
    assert.equal(r.provider, 'cpu');
    assert.deepEqual(r.outputs.up.dims, [1, 256, 12, 12]);
  } finally {
    await f1.close();
    await f2.close();
  }
  assert.equal(cachedSessionCount(), before);
});
