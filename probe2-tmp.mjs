import * as ort from 'onnxruntime-node';
const f = process.argv[2];
const s = await ort.InferenceSession.create(f, {executionProviders:['webgpu'], enableProfiling: true, profileFilePrefix: '/tmp/ortprof', logSeverityLevel: 3});
const x = { image: new ort.Tensor('float32', Float32Array.from({length:2*64*64}, Math.random), [1,2,64,64]) };
await s.run(x); await s.run(x);
s.endProfiling();
