/**
 * The raster fuzz suite at length: many seeds x every source, the same checks as
 * test/integration/raster-fuzz.test.ts, but counting instead of stopping at the first
 * problem. Prints per mutation kind how many mutants we read (equal to GDAL or not), how
 * many we refused (and of those how many GDAL reads), and the worst time and peak RSS.
 *
 *   node --import tsx test/bench/raster-fuzz.bench.ts     FUZZ_SEEDS=10 FUZZ_PER_SOURCE=60
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { badRefusal, fuzzSources, gdalOracle, ourRead, peakRssMiB, writeMutants } from '../helpers/raster-fuzz.ts';

const SEEDS = Number(process.env.FUZZ_SEEDS ?? 10);
const PER_SOURCE = Number(process.env.FUZZ_PER_SOURCE ?? 60);

interface Row { n: number; same: number; differs: number; readGdalRefuses: number; refused: number; refusedGdalReads: number; bad: number; worstMs: number }
const rows = new Map<string, Row>();
const examples: string[] = [];
const unhandled: unknown[] = [];
process.on('unhandledRejection', (e) => unhandled.push(e));

const tmp = mkdtempSync(join(tmpdir(), 'skysense-fuzz-bench-'));
const baseline = peakRssMiB();
const t0 = performance.now();
let total = 0;
try {
  const sources = fuzzSources(tmp);
  for (let seed = 1; seed <= SEEDS; seed++) {
    const dir = mkdtempSync(join(tmp, `seed${seed}-`));
    const cases = writeMutants(sources, PER_SOURCE, 1000 + seed, dir);
    const gdal = gdalOracle(cases.map((c) => c.file));
    for (const c of cases) {
      const kind = c.kind.split(':')[0];
      const row = rows.get(kind) ?? { n: 0, same: 0, differs: 0, readGdalRefuses: 0, refused: 0, refusedGdalReads: 0, bad: 0, worstMs: 0 };
      rows.set(kind, row);
      const ours = await ourRead(c.file);
      const theirs = gdal.get(c.file)!;
      row.n++;
      total++;
      row.worstMs = Math.max(row.worstMs, ours.ms);
      if (ours.error !== undefined) {
        row.refused++;
        if (theirs.ok) row.refusedGdalReads++;
        const bad = badRefusal(ours.error, c.file);
        if (bad) {
          row.bad++;
          if (examples.length < 10) examples.push(`${c.kind}: ${bad}`);
        }
      } else if (!theirs.ok) {
        row.readGdalRefuses++;
        if (examples.length < 10) examples.push(`${c.kind}: read, GDAL refuses (${theirs.error})`);
      } else {
        const same = JSON.stringify(ours.info) === JSON.stringify({ width: theirs.width, height: theirs.height, bands: theirs.bands, type: theirs.type })
          && (!ours.md5 || !theirs.md5 || JSON.stringify(ours.md5) === JSON.stringify(theirs.md5));
        if (same) row.same++;
        else {
          row.differs++;
          if (examples.length < 10) examples.push(`${c.kind}: read differs from GDAL's (${c.file})`);
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log(`${total} mutants (${SEEDS} seeds x ${PER_SOURCE} per source), ${((performance.now() - t0) / 1000).toFixed(1)} s with GDAL's reads; peak RSS +${(peakRssMiB() - baseline).toFixed(0)} MiB`);
console.log('| mutation | mutants | read = GDAL | read, differs | read, GDAL refuses | refused | of which GDAL reads | bad refusals | worst ms |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [kind, r] of [...rows].sort()) {
  console.log(`| ${kind} | ${r.n} | ${r.same} | ${r.differs} | ${r.readGdalRefuses} | ${r.refused} | ${r.refusedGdalReads} | ${r.bad} | ${r.worstMs.toFixed(0)} |`);
}
for (const e of examples) console.log(`  ${e}`);
console.log(`unhandled rejections: ${unhandled.length}`);
