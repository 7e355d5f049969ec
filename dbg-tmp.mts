import * as ort from 'onnxruntime-node';
import { writeFileSync, readFileSync } from 'node:fs';
import { runChild, writeTensor, parsePlacement } from '/work/main/test/bench/provider-fixtures.ts';
const dir = '/tmp/pl';
const t = (c: number) => new ort.Tensor('float32', Float32Array.from({ length: c * 256 }, Math.random), [1, c, 16, 16]);
const cases = [
  { module: 's2_encoder', axes: { height: 16, width: 16, batch: 1 }, inputs: [writeTensor(dir, 's2.bin', 'image', t(10))] },
  { module: 's1_encoder', axes: { height: 16, width: 16, batch: 1 }, inputs: [writeTensor(dir, 's1.bin', 'image', t(2))] },
];
const job = { resultFile: dir + '/r2.json', steps: [ { kind: 'describe' },
  { kind: 'modules', modelDir: '/tmp/ss-tiny', providers: ['webgpu'], dataDir: dir, cases, repeat: 1 },
  { kind: 'placement', modelDir: '/tmp/ss-tiny', provider: 'webgpu', modules: ['s2_encoder', 's1_encoder'] } ] };
writeFileSync(dir + '/job2.json', JSON.stringify(job));
const env = { ...process.env, VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json', LD_LIBRARY_PATH: '/usr/lib/chromium' };
const r = await runChild(dir + '/job2.json', env);
writeFileSync(dir + '/err2.txt', r.stderr);
console.log(r.status, Object.keys(parsePlacement(r.stderr)), r.stderr.length);
