/**
 * docs/cluster.md's Slurm job array, run as written on a real one-node Slurm
 * (scripts/slurm-local.sh): the script is taken from the docs, only its N / IN / OUT lines
 * set for this machine, submitted with `sbatch --array=1-4`; the shards merged with the
 * docs' gdalbuildvrt line must equal one unsharded `skysense run` value for value.
 * Skipped, saying why, only where Slurm cannot start.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, dataPath, gdalinfo, gdalWindow } from '../helpers/gdal.ts';
import { skysense } from '../helpers/skysense-cli.ts';
import { arrayTasks, nodeSize, startSlurm, waitForJob, type LocalSlurm } from '../helpers/slurm-local.ts';

const N = 4;
const DOC = join(REPO_ROOT, 'docs/cluster.md');

/** The first ```sh block under "## Slurm: a job array", with its N, IN and OUT lines set. */
function docsJobScript(input: string, out: string): string {
  const text = readFileSync(DOC, 'utf8');
  const at = text.indexOf('## Slurm: a job array');
  assert.ok(at >= 0, `${DOC}: no "## Slurm: a job array" section`);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(at));
  assert.ok(block, `${DOC}: no sh block under "## Slurm: a job array"`);
  let script = block[1];
  for (const [name, value] of [['N', String(N)], ['IN', input], ['OUT', out]]) {
    const line = new RegExp(`^${name}=.*$`, 'gm');
    assert.equal(script.match(line)?.length, 1, `${DOC}: the job script must set ${name}= on exactly one line`);
    script = script.replace(line, `${name}=${value}`);
  }
  assert.match(script, /--shard "\$\{SLURM_ARRAY_TASK_ID\}\/\$N"/, `${DOC}: the job script no longer runs --shard "\${SLURM_ARRAY_TASK_ID}/$N"`);
  return script;
}

let tmp = '';
let slurm: LocalSlurm | null = null;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-slurm-'));
  slurm = startSlurm(join(tmp, 'cluster'));
  if (slurm.skip) console.log(`# slurm-shards skipped: ${slurm.skip}`);
});
after(() => {
  slurm?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('docs/cluster.md on a one-node Slurm', () => {
  test('sbatch --array=1-4 of the docs job script, merged by gdalbuildvrt, equals one run value for value', async (t) => {
    if (!slurm || slurm.skip) {
      t.skip(slurm?.skip ?? 'Slurm not started');
      return;
    }
    const input = dataPath('oscd/bercy/imgs_1');
    const out = join(tmp, 'out');
    const logs = join(tmp, 'logs');
    mkdirSync(out);
    mkdirSync(logs);
    const script = join(tmp, 'embed.sh');
    writeFileSync(script, docsJobScript(input, out));

    // The reference: the script's command without --shard, one process.
    const full = join(tmp, 'full.tif');
    const single = skysense('run', '--task', 'embed', '--model', 'skysense-tiny', '--input', input, '--out', full, '--provider', 'cuda,cpu', '--progress', 'none');
    assert.equal(single.code, 0, single.stderr);

    // Command-line options override #SBATCH lines: the array size, and what this node cannot
    // give (the docs ask 4 CPUs and 4 GiB per task); logs go to the temp folder, not the repo.
    const node = nodeSize(slurm.env);
    const args = ['--parsable', `--array=1-${N}`, `--output=${join(logs, 'embed-%a.log')}`];
    if (node.cpus < 4) args.push(`--cpus-per-task=${node.cpus}`);
    if (node.memMiB < 4096) args.push(`--mem=${Math.floor(node.memMiB / 2)}M`);
    // From the repository root, as the docs say: the job starts there and npx finds skysense.
    const sub = spawnSync('sbatch', [...args, script], { cwd: REPO_ROOT, env: slurm.env, encoding: 'utf8' });
    assert.equal(sub.status, 0, `sbatch ${args.join(' ')}: ${sub.stderr}`);
    const jobId = sub.stdout.trim().split(';')[0];
    assert.match(jobId, /^\d+$/, `sbatch --parsable printed "${sub.stdout}"`);

    const ended = await waitForJob(jobId, slurm.env, 150_000);
    const logText = () =>
      readdirSync(logs)
        .sort()
        .map((f) => `--- ${f}\n${readFileSync(join(logs, f), 'utf8')}`)
        .join('\n');
    assert.ok(ended, `job ${jobId} still queued or running after 150 s\n${logText()}`);
    const tasks = arrayTasks(jobId, slurm.env);
    assert.deepEqual(tasks.map((j) => Number(j.ArrayTaskId)).sort(), [1, 2, 3, 4], `array tasks of job ${jobId}`);
    for (const j of tasks) {
      assert.equal(`${j.JobState} ${j.ExitCode}`, 'COMPLETED 0:0', `task ${j.ArrayTaskId} of job ${jobId}\n${logText()}`);
    }

    // The docs' merge: all N files exist, gdalbuildvrt over the glob.
    const shards = readdirSync(out).filter((f) => /^embed-\d+-of-4\.tif$/.test(f));
    assert.equal(shards.length, N, `shard outputs in ${out}: ${readdirSync(out).join(', ')}`);
    const vrt = join(out, 'embed.vrt');
    execFileSync('bash', ['-c', `gdalbuildvrt -q "$1/embed.vrt" "$1"/embed-*-of-${N}.tif`, 'merge', out]);
    assert.ok(existsSync(vrt));

    const a = gdalinfo(vrt);
    const b = gdalinfo(full);
    assert.deepEqual(a.size, b.size, 'mosaic size');
    assert.deepEqual(a.geoTransform, b.geoTransform, 'mosaic geotransform');
    assert.equal(a.bands.length, b.bands.length, 'band count');
    // Every shard ran on its own rows only: together they are the scene's rows, none twice.
    const rows = shards.map((f) => gdalinfo(join(out, f)).size[1] as number);
    assert.equal(rows.reduce((s, r) => s + r, 0), b.size[1], `shard heights ${rows.join(' + ')}`);
    assert.ok(rows.every((r) => r > 0), `shard heights ${rows.join(', ')}`);

    const va = gdalWindow(vrt);
    const vb = gdalWindow(full);
    let differ = 0;
    let count = 0;
    va.forEach((band, k) => band.forEach((v, i) => ((count += 1), (differ += Object.is(v, vb[k][i]) ? 0 : 1))));
    assert.equal(count, b.size[0] * b.size[1] * b.bands.length);
    assert.equal(differ, 0, `${differ} of ${count} values differ between the mosaic and the single run`);
  });
});
