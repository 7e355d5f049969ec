/**
 * The bilinear upsampling that puts a head's probabilities on the input grid must be
 * PyTorch's F.interpolate(mode='bilinear', align_corners=False) — what the heads are
 * trained and evaluated with in models/heads — checked against torch itself on random
 * planes; and the softmax over class planes against torch.softmax.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { softmaxPlanes, upsampleBilinear } from '../../main/heads/head-infer.ts';

const PY = `
import json, sys, torch
x = torch.tensor(json.loads(sys.argv[1]), dtype=torch.float32)
k, h, w, f = map(int, sys.argv[2:6])
x = x.view(1, k, h, w)
up = torch.nn.functional.interpolate(x, scale_factor=f, mode='bilinear', align_corners=False)
print(json.dumps({'up': up.flatten().tolist(), 'softmax': torch.softmax(x, dim=1).flatten().tolist()}))
`;

test('upsampleBilinear and softmaxPlanes agree with torch', () => {
  const [k, h, w, f] = [3, 5, 7, 4];
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 6 - 3;
  const x = Float32Array.from({ length: k * h * w }, rand);
  const torch = JSON.parse(execFileSync('/usr/bin/python3', ['-c', PY, JSON.stringify(Array.from(x)), ...[k, h, w, f].map(String)], { encoding: 'utf8' })) as { up: number[]; softmax: number[] };
  const up = upsampleBilinear(x, k, h, w, f);
  assert.equal(up.length, torch.up.length);
  up.forEach((v, i) => assert.ok(Math.abs(v - torch.up[i]) < 1e-5, `up[${i}]: ${v} vs ${torch.up[i]}`));
  const s = x.slice();
  softmaxPlanes(s, k, h * w);
  s.forEach((v, i) => assert.ok(Math.abs(v - torch.softmax[i]) < 1e-6, `softmax[${i}]: ${v} vs ${torch.softmax[i]}`));
});
