import * as ort from 'onnxruntime-node';
const dir = process.argv[2]; const p = process.argv[3]; const mods = process.argv.slice(4);
const r = () => Math.random();
const feeds = {
  s2_encoder: () => ({ image: new ort.Tensor('float32', Float32Array.from({length:10*64*64}, r), [1,10,64,64]) }),
  s1_encoder: () => ({ image: new ort.Tensor('float32', Float32Array.from({length:2*64*64}, r), [1,2,64,64]) }),
  s2_up: () => ({ feat: new ort.Tensor('float32', Float32Array.from({length:128*4*4}, r), [1,128,4,4]) }),
  s1_up: () => ({ feat: new ort.Tensor('float32', Float32Array.from({length:128*4*4}, r), [1,128,4,4]) }),
  fusion: () => ({ tokens: new ort.Tensor('float32', Float32Array.from({length:2*256*16}, r), [1,2,256,4,4]), doy: new ort.Tensor('int64', BigInt64Array.from([10n, 200n]), [1,2]) }),
  geo_context: () => ({ fused: new ort.Tensor('float32', Float32Array.from({length:128*16}, r), [1,128,4,4]), lat: new ort.Tensor('float32', [45], [1]), lon: new ort.Tensor('float32', [5], [1]) }),
  hr_encoder: () => ({ image: new ort.Tensor('float32', Float32Array.from({length:3*288*288}, r), [1,3,288,288]) }),
};
for (const m of mods) {
  const t0=performance.now();
  const s = await ort.InferenceSession.create(`${dir}/${m}.onnx`, {executionProviders:[p], graphOptimizationLevel: process.env.OPT ?? 'all'});
  const t1=performance.now(); const f = feeds[m]();
  const o1 = await s.run(f); const t2=performance.now(); await s.run(f);
  console.log(m, p, 'create', (t1-t0).toFixed(0), 'run1', (t2-t1).toFixed(0), 'run2', (performance.now()-t2).toFixed(0), Object.entries(o1).map(([k,v])=>k+':'+v.dims).join(' '));
  await s.release();
}
