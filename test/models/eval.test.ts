// The pre-training evaluation (models/eval): its metric functions on arrays counted by hand, and one
// probe end to end on real data — the Sen1Floods11 water probe (S1 only, random-init SkySense-Tiny,
// --quick 128 x 128 window): the F1 it reports is recomputed here from its saved prediction map and
// the hand label read independently with geotiff.js. Then the Python tests of models/eval (metrics,
// probe, checkpoint loading, convert.py on a models/pretrain-layout checkpoint). Budget < 60 s idle.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromFile } from 'geotiff';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const python = '/usr/bin/python3';
const work = mkdtempSync(join(tmpdir(), 'skysense-eval-'));
after(() => rmSync(work, { recursive: true, force: true }));

function py(args: string[], timeout = 120_000): string {
  const r = spawnSync(python, args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
    timeout,
    maxBuffer: 16 * 1024 * 1024,
  });
  assert.equal(r.error, undefined, `could not run ${python}: ${r.error?.message}`);
  assert.equal(r.status, 0, `${args.join(' ')} failed (exit ${r.status}):\n${(r.stdout + r.stderr).slice(-4000)}`);
  return `${r.stdout}\n${r.stderr}`;
}

/** A NumPy v1 .npy file of uint8 (what models/eval saves as a prediction map). */
function readNpyU8(path: string): { shape: number[]; data: Uint8Array } {
  const buf = readFileSync(path);
  assert.equal(buf.subarray(0, 6).toString('latin1'), '\x93NUMPY', `${path}: not an .npy file`);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.subarray(10, 10 + headerLen).toString('latin1');
  assert.match(header, /'descr': '\|u1'/, `${path}: expected uint8, header ${header}`);
  assert.match(header, /'fortran_order': False/);
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').filter((s) => s.trim()).map(Number);
  return { shape, data: new Uint8Array(buf.buffer, buf.byteOffset + 10 + headerLen, shape.reduce((a, b) => a * b, 1)) };
}

test('F1, mIoU and accuracy equal hand counts', () => {
  // binary: tp at 0, 4, 7 (3); fp at 1, 6 (2); fn at 3 (1); tn at 2, 5 (2); index 8 ignored (target -1)
  const binary = { pred: [1, 1, 0, 0, 1, 0, 1, 1, 1], target: [1, 0, 0, 1, 1, 0, 0, 1, -1], n_classes: 2, ignore: -1 };
  const caseFile = join(work, 'binary.json');
  writeFileSync(caseFile, JSON.stringify(binary));
  const b = JSON.parse(py(['-m', 'models.eval.metrics', caseFile]).trim());
  assert.deepEqual(b.counts, { tp: 3, fp: 2, fn: 1, tn: 2 });
  assert.ok(Math.abs(b.f1 - 6 / 9) < 1e-12, `F1 ${b.f1}, by hand 2*3/(2*3+2+1) = 0.6667`);
  assert.ok(Math.abs(b.accuracy - 5 / 8) < 1e-12, `accuracy ${b.accuracy}, by hand 5/8`);
  // three classes: IoU 0 = 1/3, IoU 1 = 2/3, IoU 2 = 1/2
  const multi = { pred: [0, 0, 1, 1, 2, 2], target: [0, 1, 1, 1, 2, 0], n_classes: 3, ignore: null };
  writeFileSync(caseFile, JSON.stringify(multi));
  const m = JSON.parse(py(['-m', 'models.eval.metrics', caseFile]).trim());
  assert.ok(Math.abs(m.ious['0'] - 1 / 3) < 1e-12 && Math.abs(m.ious['1'] - 2 / 3) < 1e-12 && Math.abs(m.ious['2'] - 0.5) < 1e-12);
  assert.ok(Math.abs(m.miou - (1 / 3 + 2 / 3 + 1 / 2) / 3) < 1e-12, `mIoU ${m.miou}`);
});

test('water probe end to end on the real Sen1Floods11 chip: reported F1 equals F1 recomputed from label and prediction', { timeout: 120_000 }, async () => {
  const out = join(work, 'run');
  const preds = join(work, 'pred');
  py(['-m', 'models.eval.run', '--random', '--quick', '--tasks', 'water', '--out', out, '--predictions', preds]);
  const result = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8'));
  const row = result.tasks[0];
  assert.equal(row.task, 'water');
  assert.equal(row.pretrained, null, 'no checkpoint given: no pre-trained column');
  assert.equal(result.encoders.random.kind, 'random-init');
  const png = readFileSync(join(out, 'eval.png'));
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')], 'eval.png is a PNG');

  for (const label of ['random', 'raw_input']) {
    const details = row.details[label];
    const win = details.test_window;
    const pred = readNpyU8(join(preds, `water-${label}.npy`));
    assert.deepEqual(pred.shape, [win.height, win.width]);
    const tiff = await fromFile(resolve(repo, win.file));
    const image = await tiff.getImage();
    const [truth] = (await image.readRasters({ window: [win.col, win.row, win.col + win.width, win.row + win.height] })) as unknown as Int16Array[];
    let tp = 0, fp = 0, fn = 0, tn = 0;
    for (let i = 0; i < truth.length; i += 1) {
      if (truth[i] === -1) continue; // not labelled
      const p = pred.data[i] === 1;
      const t = truth[i] === 1;
      if (p && t) tp += 1; else if (p) fp += 1; else if (t) fn += 1; else tn += 1;
    }
    assert.ok(tp + fn > 1000, `the test window holds water (${tp + fn} px)`);
    assert.deepEqual(details.counts, { tp, fp, fn, tn }, `${label}: confusion counts`);
    const f1 = (2 * tp) / (2 * tp + fp + fn);
    assert.ok(Math.abs(row[label] - f1) < 5e-5, `${label}: reported F1 ${row[label]}, recomputed ${f1}`);
    assert.ok(f1 > 0.3, `${label}: S1 backscatter separates water better than chance (F1 ${f1.toFixed(3)})`);
  }
});

test('python tests of models/eval pass', { timeout: 180_000 }, () => {
  const log = py(['-m', 'unittest', 'discover', '-s', 'models/eval/tests', '-t', '.'], 170_000);
  const ran = /Ran (\d+) tests?/.exec(log);
  assert.ok(ran && Number(ran[1]) >= 15, `expected at least 15 tests:\n${log.slice(-2000)}`);
  assert.match(log, /\nOK/);
});
