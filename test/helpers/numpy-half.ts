/**
 * numpy's astype(float16) as the oracle for half floats (main/raster/float16.ts and the
 * half-float outputs): IEEE round to nearest, ties to even, returned as bit patterns.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function numpyHalfBits(values: Float32Array): Uint16Array {
  const dir = mkdtempSync(join(tmpdir(), 'skysense-np-half-'));
  try {
    const src = join(dir, 'in.f32');
    const dst = join(dir, 'out.f16');
    writeFileSync(src, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    // Overflow to Inf is the expected result for large values, not a warning.
    execFileSync('/usr/bin/python3', ['-c', [
      'import numpy as np, sys',
      'a = np.fromfile(sys.argv[1], dtype="<f4")',
      'with np.errstate(over="ignore"): a.astype("<f2").tofile(sys.argv[2])',
    ].join('\n'), src, dst]);
    const raw = readFileSync(dst);
    return new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
