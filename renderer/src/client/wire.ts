// The host writes non-finite numbers as strings (JSON has no NaN); NonFiniteWireKey in
// main/api.ts names the keys that may carry them.
import type { NonFiniteWireKey } from '../../../main/api.ts';

const NON_FINITE_KEYS = new Set<string>(['nodata'] satisfies NonFiniteWireKey[]);

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (k, v) =>
    NON_FINITE_KEYS.has(k) && (v === 'NaN' || v === 'Infinity' || v === '-Infinity') ? Number(v) : v,
  );
}
