/**
 * The dataset spec of `skysense train --dataset` and `skysense eval --dataset`: several
 * labelled scenes in one JSON file,
 *   {"task": "segment", "classes": [...], "samples": [{"inputs": {"image": PATH}, "labels": PATH, "labelValues": {"1": "water"}}]}
 * Inputs are named per task as `skysense run` takes them (`image` for segment / classify /
 * detect, `t1` / `t2` for change; fused heads `s2`, `s1`, `hr`, `dates`, `s1Dates`); a PATH is
 * a file, a folder of single-band files, or a list of files, relative to the spec file.
 * Every file is checked to exist here, naming the sample, before any long work.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ApiError } from '../api.ts';

const Paths = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const Sample = z.strictObject({
  inputs: z.record(z.string(), z.union([Paths, z.array(z.string())])),
  labels: z.string().min(1),
  labelValues: z.record(z.string(), z.string()).optional(),
});

export const DatasetSpec = z.strictObject({
  task: z.enum(['segment', 'change', 'classify', 'detect']),
  classes: z.array(z.string().min(1)).min(2),
  samples: z.array(Sample).min(1),
});

export interface DatasetSample {
  /** Role -> paths (dates stay strings). */
  inputs: Record<string, string[]>;
  labels: string;
  labelValues: Record<string, string> | null;
}

export interface Dataset {
  path: string;
  task: z.infer<typeof DatasetSpec>['task'];
  classes: string[];
  samples: DatasetSample[];
}

/** Input roles whose values are dates, not paths. */
const DATE_ROLES = new Set(['dates', 's1Dates']);
const ROLES: Record<Dataset['task'], string[]> = {
  segment: ['image', 's2', 's1', 'hr', 'dates', 's1Dates'],
  classify: ['image', 's2', 's1', 'hr', 'dates', 's1Dates'],
  detect: ['image'],
  change: ['t1', 't2'],
};

export async function readDatasetSpec(path: string): Promise<Dataset> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ApiError(e.code === 'ENOENT' ? 'E_NOT_FOUND' : 'E_BAD_REQUEST', `${path}: ${e.code === 'ENOENT' ? 'not found' : `not valid JSON (${e.message})`}`, path);
  }
  const parsed = DatasetSpec.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError('E_BAD_REQUEST', `${path}: ${issue.path.join('.') || '(top)'}: ${issue.message}`, path);
  }
  const spec = parsed.data;
  const base = dirname(resolve(path));
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const samples = spec.samples.map((s, i): DatasetSample => {
    const where = `${path}: samples[${i}]`;
    const inputs: Record<string, string[]> = {};
    for (const [role, value] of Object.entries(s.inputs)) {
      if (!ROLES[spec.task].includes(role)) throw new ApiError('E_BAD_REQUEST', `${where}.inputs: "${role}" is not an input of a ${spec.task} head (${ROLES[spec.task].join(', ')})`, path);
      const list = Array.isArray(value) ? value : [value];
      inputs[role] = DATE_ROLES.has(role) ? list : list.map(at);
      if (!DATE_ROLES.has(role)) {
        for (const p of inputs[role]) if (!existsSync(p)) throw new ApiError('E_NOT_FOUND', `${where}.inputs.${role}: ${p} not found`, p);
      }
    }
    const labels = at(s.labels);
    if (!existsSync(labels)) throw new ApiError('E_NOT_FOUND', `${where}.labels: ${labels} not found`, labels);
    for (const [key, name] of Object.entries(s.labelValues ?? {})) {
      if (!spec.classes.includes(name)) throw new ApiError('E_BAD_REQUEST', `${where}.labelValues "${key}" names class "${name}", which is not one of the classes (${spec.classes.join(', ')})`, path);
    }
    return { inputs, labels, labelValues: s.labelValues ?? null };
  });
  return { path, task: spec.task, classes: spec.classes, samples };
}
