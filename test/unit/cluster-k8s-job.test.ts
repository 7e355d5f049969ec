/**
 * docs/cluster.md's Kubernetes Indexed Job: its YAML parses, validates against the Job schema
 * subset in test/helpers/k8s-job-schema.ts, and its shell line, run by /bin/sh as the pod
 * would for every JOB_COMPLETION_INDEX, asks `skysense run` for shards 1/N..N/N with one
 * output file each. (No cluster here: this is what can be checked without one.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/gdal.ts';
import { jobSchema } from '../helpers/k8s-job-schema.ts';

const DOC = join(REPO_ROOT, 'docs/cluster.md');

interface Job {
  spec: {
    completions: number;
    parallelism?: number;
    completionMode?: string;
    template: { spec: { containers: { command?: string[]; args?: string[]; volumeMounts?: { name: string }[] }[]; volumes?: { name: string }[] } };
  };
}

function docsJobYaml(): string {
  const text = readFileSync(DOC, 'utf8');
  const at = text.indexOf('## Kubernetes');
  assert.ok(at >= 0, `${DOC}: no "## Kubernetes" section`);
  const block = /```yaml\n([\s\S]*?)```/.exec(text.slice(at));
  assert.ok(block, `${DOC}: no yaml block under "## Kubernetes"`);
  return block[1];
}

// strictRequired off: the Indexed rule's `then` names completions, defined beside it.
const check = new Ajv({ strict: true, strictRequired: false, allErrors: true }).compile(jobSchema);

function validate(doc: unknown): string[] {
  return check(doc) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

test('the Kubernetes example is a valid batch/v1 Indexed Job', () => {
  const doc = parse(docsJobYaml(), { prettyErrors: true }) as Job;
  assert.deepEqual(validate(doc), [], `${DOC}: the Job YAML does not validate`);
  assert.equal(doc.spec.completionMode, 'Indexed', 'JOB_COMPLETION_INDEX is only set for Indexed Jobs');
  const pod = doc.spec.template.spec;
  const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
  for (const m of pod.containers.flatMap((c) => c.volumeMounts ?? [])) {
    assert.ok(volumes.has(m.name), `${DOC}: volumeMount "${m.name}" names no volume of the pod`);
  }
});

test('each pod of the Job runs its own shard: --shard 1/N..N/N, one --out each', () => {
  const doc = parse(docsJobYaml()) as Job;
  const n = doc.spec.completions;
  const [c] = doc.spec.template.spec.containers;
  assert.deepEqual(c.command, ['/bin/sh', '-c'], 'the example runs its args through /bin/sh -c');
  assert.equal(c.args?.length, 1);
  const outs = new Set<string>();
  for (let index = 0; index < n; index++) {
    // The pod's own shell, with npx replaced by a function that prints its arguments.
    const r: SpawnSyncReturns<string> = spawnSync('/bin/sh', ['-c', `npx() { printf '%s\\n' "$@"; }\n${c.args![0]}`], {
      env: { PATH: process.env.PATH, JOB_COMPLETION_INDEX: String(index) },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const argv = r.stdout.trimEnd().split('\n');
    assert.deepEqual(argv.slice(0, 2), ['skysense', 'run']);
    const opt = (name: string) => argv[argv.indexOf(name) + 1];
    assert.equal(opt('--shard'), `${index + 1}/${n}`, `pod ${index}`);
    outs.add(opt('--out'));
  }
  assert.equal(outs.size, n, `every pod writes its own file: ${[...outs].join(', ')}`);
});

test('the schema refuses what the API server would', () => {
  const good = parse(docsJobYaml()) as Job & { spec: Record<string, unknown> };
  const broken = (edit: (j: any) => void) => {
    const j = structuredClone(good);
    edit(j);
    return validate(j);
  };
  assert.notDeepEqual(broken((j) => (j.spec.completionsMode = 'Indexed')), [], 'a misspelt key');
  assert.notDeepEqual(broken((j) => (j.spec.template.spec.restartPolicy = 'Always')), [], 'restartPolicy Always');
  assert.notDeepEqual(broken((j) => delete j.spec.completions), [], 'Indexed without completions');
  assert.notDeepEqual(broken((j) => (j.spec.template.spec.containers[0].name = 'SkySense_1')), [], 'a container name that is no DNS label');
  assert.notDeepEqual(broken((j) => (j.spec.template.spec.containers[0].resources.limits.memory = '4 GB')), [], 'a bad quantity');
});
