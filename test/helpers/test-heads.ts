/**
 * Test heads: real ONNX files exported by torch (test/helpers/make-head.py) with fixed weights
 * whose answer a test can compute on its own from the encoder's features (the embed task's
 * output). A head folder is made in a temp dir per test run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './gdal.ts';

export interface TestHeadSpec {
  /** conv1x1: W x; diff: W (x_b - x_a); pool_linear: W mean_hw(x). */
  net: 'conv1x1' | 'diff' | 'pool_linear';
  /** Sparse W: [output channel, input channel, weight]. */
  weights: [number, number, number][];
  /** One per output channel. */
  bias: number[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  manifest: Record<string, any>;
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Writes head.onnx + manifest.json into `dir`. */
export function makeTestHead(dir: string, spec: TestHeadSpec): void {
  const tmp = mkdtempSync(join(tmpdir(), 'skysense-head-spec-'));
  try {
    const specFile = join(tmp, 'spec.json');
    writeFileSync(specFile, JSON.stringify({ out: dir, ...spec }));
    const r = spawnSync('/usr/bin/python3', [join(REPO_ROOT, 'test/helpers/make-head.py'), specFile], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A head manifest for the tiny model's S1 encoder (feat_l3, 128 channels, stride 4). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function s1HeadManifest(over: Record<string, any> = {}): Record<string, any> {
  return {
    schemaVersion: 1,
    kind: 'head',
    name: 'test-head',
    title: 'Test head',
    task: 'segment',
    encoder: { name: 'skysense-tiny', modality: 's1', module: 's1_encoder', weightsSha256: null },
    file: 'head.onnx',
    inputs: [{ name: 'feat', dtype: 'float32', shape: ['batch', 128, 'h', 'w'], tap: 'feat_l3' }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 1, 'h', 'w'], stride: 4 }],
    activation: 'sigmoid',
    classes: [
      { value: 0, name: 'negative', color: '#000000' },
      { value: 1, name: 'positive', color: '#1f78b4' },
    ],
    training: { data: 'fixed weights for tests (no training)', licence: 'none (no labels)' },
    licence: { code: 'Apache-2.0', weights: 'test weights' },
    ...over,
  };
}

/** A fused head (on the fusion output, 128 channels, stride 1) with three classes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fusedHeadManifest(model: string, name: string, classes: { value: number; name: string; color: string }[]): Record<string, any> {
  return s1HeadManifest({
    name,
    title: `${name} classes`,
    encoder: { name: 'skysense-tiny', modality: 'fused', module: 'fusion', weightsSha256: sha256(join(model, 'fusion.onnx')) },
    inputs: [{ name: 'fused', dtype: 'float32', shape: ['batch', 128, 'h', 'w'], tap: 'fused' }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', classes.length, 'h', 'w'], stride: 1 }],
    activation: 'softmax',
    classes,
  });
}
