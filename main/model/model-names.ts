/**
 * Models and heads by name wherever a folder is taken (`--model skysense-tiny`,
 * `--head oscd-change`, `--head skysense-tiny/oscd-change`): a name that is not a path on
 * disk is looked up in the same search folders `skysense models` lists, so what the listing
 * shows is what a run accepts. An unknown name lists the close ones; a head name shipped by
 * several encoders asks for the encoder/head form.
 */
import { existsSync } from 'node:fs';
import { ApiError } from '../api.ts';
import { defaultSearchDirs, findModels, type ModelEntry } from './registry.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

/** Names near `want` (a head also by its own name, without the encoder); all of them when none is near. */
function closeNames(want: string, names: string[]): string[] {
  const w = want.toLowerCase();
  const near = names.filter((full) => [full, full.split('/').pop()!].some((n) => {
    const l = n.toLowerCase();
    return distance(w, l) <= Math.max(2, Math.floor(w.length / 4)) || l.includes(w) || w.includes(l);
  }));
  return [...new Set(near.length ? near : names)].slice(0, 8);
}

/**
 * The folder `ref` names: itself when it exists (or does not look like a name), else the
 * installed encoder (kind "encoder") or head (kind "head") of that name. `key` is the option
 * or request key the error names.
 */
export async function resolveModelRef(ref: string, kind: 'encoder' | 'head', key: string, extraDirs: readonly string[] = []): Promise<string> {
  if (existsSync(ref) || !NAME.test(ref) || /\.onnx$/i.test(ref)) return ref;
  const { models } = await findModels(defaultSearchDirs(extraDirs));
  const usable = (m: ModelEntry) => m.kind === kind && m.problems.length === 0;
  const encoderName = (dir: string | null) => models.find((m) => m.dir === dir)?.name ?? null;
  const qualified = (m: ModelEntry) => (m.within ? `${encoderName(m.within)}/${m.name}` : m.name);
  const [first, second] = ref.split('/');
  const found = models.filter((m) => usable(m) && (second === undefined ? m.name === first : m.name === second && encoderName(m.within) === first));
  if (found.length === 1 || (kind === 'encoder' && found.length > 1)) return found[0].dir;
  if (found.length > 1) throw new ApiError('E_BAD_REQUEST', `${key}: "${ref}" names ${found.length} heads (${found.map(qualified).join(', ')}); give one as ENCODER/HEAD`);
  const names = models.filter(usable).map(qualified);
  const hint = names.length ? `; installed ${kind}s: ${closeNames(ref, names).join(', ')}` : `; no ${kind} is installed (skysense models lists the search folders)`;
  throw new ApiError('E_NOT_FOUND', `${key}: ${ref}: no such folder, and no installed ${kind} of that name${hint}`, ref);
}
