/**
 * A small byte-bounded LRU of decoded blocks, shared by the reads of one raster, so
 * neighbouring windows (tiler tiles with overlap, band-folder strips) that share a strip
 * or tile decode it once. In-flight decodes are shared too. Readers skip storing blocks
 * a window covers whole: a sequential scan then holds no cache at all.
 */
export class BlockCache<T extends { byteLength: number }> {
  private readonly map = new Map<string, Promise<T>>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** `keep` false: use a cached copy if there is one, but do not store a new one. */
  get(key: string, load: () => Promise<T>, keep = true): Promise<T> {
    const hit = this.map.get(key);
    if (hit) {
      // re-insert to mark as most recently used
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    if (!keep) return load();
    const p = load();
    this.map.set(key, p);
    p.then(
      (v) => {
        if (this.map.get(key) !== p) return;
        this.sizes.set(key, v.byteLength);
        this.bytes += v.byteLength;
        this.evict();
      },
      () => {
        if (this.map.get(key) === p) this.map.delete(key);
      },
    );
    return p;
  }

  clear(): void {
    this.map.clear();
    this.sizes.clear();
    this.bytes = 0;
  }

  private evict(): void {
    for (const key of this.map.keys()) {
      // Keep the newest entry even when it alone passes the budget (one huge strip).
      if (this.bytes <= this.maxBytes || this.sizes.size <= 1) break;
      const size = this.sizes.get(key);
      if (size === undefined) continue; // still loading
      this.map.delete(key);
      this.sizes.delete(key);
      this.bytes -= size;
    }
  }
}
