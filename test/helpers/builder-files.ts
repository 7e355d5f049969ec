/**
 * What electron-builder would pack, computed with electron-builder's own code (app-builder-lib:
 * its config loader and schema check, its FileMatcher and filter) over the real tree, without
 * running electron-builder (which downloads Electron). The walk mirrors builder-util's: a
 * directory the filter refuses is not entered.
 */
import { readdirSync, lstatSync, readFileSync, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import type { Configuration } from 'app-builder-lib';
import { FileMatcher, getFileMatchers } from 'app-builder-lib/out/fileMatcher.js';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';

type Filter = (file: string, stat: Stats) => boolean;
const same = (s: string) => s;

export async function loadBuilderConfig(projectDir: string, file: string): Promise<Configuration> {
  const config = await getConfig(projectDir, file, null);
  // electron-builder's own schema check (scheme.json): unknown keys and wrong types throw.
  const quiet = { isEnabled: false, add() {}, save: async () => {} };
  await validateConfiguration(config, quiet as unknown as Parameters<typeof validateConfiguration>[1]);
  return config;
}

/** Files under dir (absolute paths) that the filter keeps; refused directories are skipped. */
export function walkFiltered(dir: string, filter: Filter, topNodeModules = false): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name === '.DS_Store' || name === '.gitkeep') continue;
      const p = d + sep + name;
      const st = lstatSync(p);
      // builder's filter refuses the root node_modules itself; modules are collected per package.
      const enterModules = topNodeModules && d === dir && name === 'node_modules';
      if (!enterModules && !filter(p, st)) continue;
      if (st.isDirectory()) visit(p);
      else out.push(p);
    }
  };
  visit(dir);
  return out;
}

/** Project-relative files of one platform's app (asar) as its main matcher selects them, node_modules included. */
export function appFiles(projectDir: string, config: Configuration, platform: 'linux' | 'win' | 'mac'): string[] {
  // getMainFileMatchers is electron-builder's (marked internal): it adds the default excludes
  // (other node_modules, build resources, the output folder, .pyc, editor files...).
  const require = createRequire(import.meta.url);
  const { getMainFileMatchers } = require('app-builder-lib/out/fileMatcher.js') as {
    getMainFileMatchers: (appDir: string, dest: string, expand: typeof same, platformOptions: object, packager: object, outDir: string, isElectronCompile: boolean) => FileMatcher[];
  };
  const info = {
    projectDir,
    buildResourcesDir: resolve(projectDir, config.directories?.buildResources ?? 'build'),
    config,
    isPrepackedAppAsar: false,
    debugLogger: { isEnabled: false },
  };
  const outDir = resolve(projectDir, config.directories?.output ?? 'dist');
  // Every matcher copies its files (a platform `files` list of excludes only makes a second
  // matcher of "**/*": the whole project); node_modules go through the first one's patterns.
  const matchers = getMainFileMatchers(projectDir, '/app', same, config[platform] ?? {}, { info }, outDir, false);
  const all = new Set<string>();
  for (const [i, m] of matchers.entries()) {
    for (const p of walkFiltered(m.from, m.createFilter(), i === 0)) all.add(relative(projectDir, p));
  }
  return [...all].sort();
}

export interface ResourceSet {
  from: string;
  to: string;
  patterns: string[];
  /** Files relative to `from`. */
  files: string[];
}

/** extraResources, each mapping with the files it copies (electron-builder's copyFiles rules). */
export function extraResourceSets(projectDir: string, config: Configuration, fromOverride?: string): ResourceSet[] {
  const matchers = getFileMatchers(config, 'extraResources', '/resources', {
    macroExpander: same,
    customBuildOptions: {},
    globalOutDir: resolve(projectDir, config.directories?.output ?? 'dist'),
    defaultSrc: projectDir,
  });
  return (matchers ?? []).map((m) => {
    const from = fromOverride ?? m.from;
    const matcher = new FileMatcher(from, m.to, same, m.patterns);
    if (matcher.isEmpty() || matcher.containsOnlyIgnore()) matcher.prependPattern('**/*');
    const files = walkFiltered(from, matcher.createFilter()).map((p) => relative(from, p));
    return { from: m.from, to: m.to, patterns: [...m.patterns], files };
  });
}

/** The first file under root that one electron-builder pattern selects (for `!p`: that p selects), or null. */
export function firstMatch(root: string, pattern: string): string | null {
  const positive = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  const filter = new FileMatcher(root, '/x', same, [positive]).createFilter();
  // Start at the pattern's fixed leading folders: node_modules is large.
  let base = root;
  for (const part of positive.split('/').slice(0, -1)) {
    if (/[*?{[!]/.test(part)) break;
    base = join(base, part);
  }
  const search = (d: string): string | null => {
    for (const name of readdirSync(d).sort()) {
      const p = d + sep + name;
      const st = lstatSync(p);
      // For a folder the filter is minimatch's partial match: could something below match?
      if (!filter(p, st)) continue;
      if (!st.isDirectory()) return relative(root, p);
      const hit = search(p);
      if (hit) return hit;
    }
    return null;
  };
  let st: Stats;
  try {
    st = lstatSync(base);
  } catch {
    return null;
  }
  if (!st.isDirectory()) return filter(base, st) ? relative(root, base) : null;
  return search(base);
}

/** Width and height from a PNG's IHDR; throws naming the file when it is no PNG. */
export function pngSize(file: string): [number, number] {
  const b = readFileSync(file);
  if (b.length < 24 || b.readUInt32BE(0) !== 0x89504e47 || b.toString('latin1', 12, 16) !== 'IHDR') throw new Error(`${file}: not a PNG file`);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}
