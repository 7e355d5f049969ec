/**
 * A one-node Slurm cluster for a test: scripts/slurm-local.sh starts munged, slurmctld and
 * slurmd in a folder of their own; `stop()` ends them. Where the cluster cannot start (not
 * root, slurm-wlm or munge missing, a daemon that fails) `skip` says why, with the daemons'
 * log lines, so a skipped test tells what to fix.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './gdal.ts';

const SCRIPT = join(REPO_ROOT, 'scripts/slurm-local.sh');

export interface LocalSlurm {
  /** Why the cluster is not there; null when it runs. */
  skip: string | null;
  /** The environment for sbatch, squeue, scontrol: SLURM_CONF points at the cluster. */
  env: NodeJS.ProcessEnv;
  stop(): void;
}

export function startSlurm(dir: string): LocalSlurm {
  const env = { ...process.env, SLURM_CONF: join(dir, 'slurm.conf') };
  const stop = () => {
    spawnSync('bash', [SCRIPT, 'stop', dir], { encoding: 'utf8' });
  };
  const r = spawnSync('bash', [SCRIPT, 'start', dir], { encoding: 'utf8', timeout: 60_000 });
  if (r.status === 0) return { skip: null, env, stop };
  stop();
  const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim();
  return { skip: `Slurm cannot start here: ${why}`, env, stop };
}

/** `scontrol show job -o` of every task of a job array: one key=value map per task. */
export function arrayTasks(jobId: string, env: NodeJS.ProcessEnv): Record<string, string>[] {
  const r = spawnSync('scontrol', ['show', 'job', '-o', jobId], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`scontrol show job ${jobId}: ${r.stderr.trim()}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => Object.fromEntries(l.trim().split(/\s+/).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])));
}

/** Waits until squeue no longer lists the job (every task ended); false on timeout. */
export async function waitForJob(jobId: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const r = spawnSync('squeue', ['-h', '-j', jobId, '-o', '%i'], { encoding: 'utf8', env });
    // squeue fails for a job id it has forgotten; an empty list means the same.
    if (r.status !== 0 || r.stdout.trim() === '') return true;
    await new Promise((res) => setTimeout(res, 300));
  }
  return false;
}

/** Node CPUs and memory (MiB) as the cluster reports them. */
export function nodeSize(env: NodeJS.ProcessEnv): { cpus: number; memMiB: number } {
  const r = spawnSync('sinfo', ['-h', '-N', '-o', '%c %m'], { encoding: 'utf8', env });
  const [cpus, mem] = r.stdout.trim().split(/\s+/).map(Number);
  if (!(cpus > 0) || !(mem > 0)) throw new Error(`sinfo -N -o "%c %m" printed "${r.stdout.trim()}"`);
  return { cpus, memMiB: mem };
}
