// The host writes non-finite numbers as strings (JSON has no NaN); see
// NON_FINITE_WIRE_KEYS in main/api.ts for the keys that may carry them.
const NON_FINITE_KEYS = new Set(['nodata']);

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (k, v) =>
    NON_FINITE_KEYS.has(k) && (v === 'NaN' || v === 'Infinity' || v === '-Infinity') ? Number(v) : v,
  );
}
