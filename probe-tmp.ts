import { describeProviders, formatProviderReport, startSession } from './main/model/index.ts';
const r = await describeProviders();
for (const l of formatProviderReport(r)) console.log(l);
const s = await startSession('/tmp/ss-tiny/geo_context.onnx', undefined, {});
console.log(s.provider, s.fallbacks, s.createMs.toFixed(0), s.warmupMs.toFixed(0));
const s2 = await startSession('/tmp/ss-tiny/geo_context.onnx', ['cuda', 'webgpu', 'cpu'], {});
console.log(s2.provider, s2.fallbacks);
