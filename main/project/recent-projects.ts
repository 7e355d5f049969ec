/**
 * The recent projects list: a small JSON file in the application's cache folder, newest
 * first, at most MAX entries. Files gone since are left out of the list (and of the file
 * the next time it is written), never shown as dead entries.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RecentProject } from '../api.ts';
import { partPath } from '../raster/index.ts';
import { projectName } from './project-read.ts';

const MAX = 12;
const List = RecentProject.array();

export class RecentProjects {
  private readonly file: string;
  /** Writes one after the other: two saves in a row must not lose one. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly dir: string) {
    this.file = join(dir, 'recent-projects.json');
  }

  async list(): Promise<RecentProject[]> {
    await this.chain;
    return (await this.read()).filter((r) => existsSync(r.path));
  }

  /** Puts `path` on top (saved or opened just now). */
  add(path: string): Promise<void> {
    const next = this.chain.then(async () => {
      const entry: RecentProject = { path, name: projectName(path), savedAt: Date.now() };
      const rest = (await this.read()).filter((r) => r.path !== path && existsSync(r.path));
      await this.write([entry, ...rest].slice(0, MAX));
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<RecentProject[]> {
    try {
      const parsed = List.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      return parsed.success ? parsed.data : []; // a damaged list starts over rather than failing a save
    } catch {
      return [];
    }
  }

  private async write(list: RecentProject[]): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = partPath(this.file);
    try {
      await writeFile(tmp, `${JSON.stringify(list, null, 2)}\n`);
      await rename(tmp, this.file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }
}
