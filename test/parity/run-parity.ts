// `npm run parity`: one line per module of the tiny model, `parity <module> maxAbsDiff=<x> ok|MISS`,
// exit 1 on any miss. Inputs are real tiles from ../shared/data (see models/parity/make_inputs.py).
// --keep leaves the temp folder (model, tensors) for inspection.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareModules, formatLine, preparePyTorchSide, TOLERANCE } from './parity-check.ts';

const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'skysense-parity-'));
let failed = true;
try {
  const t0 = performance.now();
  const index = preparePyTorchSide(work);
  const tPy = performance.now() - t0;
  const lines = await compareModules(work, index);
  for (const l of lines) console.log(`${formatLine(l)}  (max|torch|=${l.maxAbs.toPrecision(3)}, ort ${l.ms.toFixed(0)} ms; ${l.source})`);
  const misses = lines.filter((l) => !l.ok);
  console.log(
    `parity: ${lines.length - misses.length}/${lines.length} modules within ${TOLERANCE} (config ${index.config}; ` +
      `python side ${(tPy / 1000).toFixed(1)} s)`,
  );
  failed = misses.length > 0 || lines.length === 0;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
