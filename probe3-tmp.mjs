import * as ort from 'onnxruntime-node';
const R=(shape)=>new ort.Tensor('float32', Float32Array.from({length:shape.reduce((a,b)=>a*b)}, Math.random), shape);
const p = process.argv[2];
const s = await ort.InferenceSession.create('/tmp/ss-tiny/s2_encoder.onnx', {executionProviders:[p], logSeverityLevel: 3});
for (const n of [16, 32, 16, 64]) {
const x = {image: R([1,10,n,n])};
let t=performance.now(); const o = await s.run(x); const a=performance.now()-t; t=performance.now(); await s.run(x);
console.log(p, n, a.toFixed(0), (performance.now()-t).toFixed(0));
}
