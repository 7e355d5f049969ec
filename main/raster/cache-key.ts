/** Display-cache key: a hash of every input file's absolute path, size and mtime. */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Bump when the cache file layout changes so old caches are not reused. */
const CACHE_VERSION = 'display-cog-v1';

export async function cacheKey(files: string[]): Promise<string> {
  const h = createHash('sha256');
  h.update(CACHE_VERSION);
  for (const f of files) {
    const abs = resolve(f);
    const st = await stat(abs);
    h.update(`\n${abs}\n${st.size}\n${st.mtimeMs}`);
  }
  return h.digest('hex').slice(0, 40);
}
