/**
 * The open layers of one engine, and the only map from a data URL path to a file on
 * disk. The transports serve exactly the files registered here, looked up by the whole
 * path string, so no request can name any other file (no traversal to reason about).
 */
import { ApiError, type Layer } from '../api.ts';
import type { Raster } from '../raster/index.ts';

/** A file the renderer may read, as a transport serves it. */
export interface ServedFile {
  file: string;
  contentType: string;
}

interface Entry {
  layer: Layer;
  raster: Raster;
  served: Map<string, ServedFile>;
}

export class LayerRegistry {
  private readonly entries = new Map<string, Entry>();

  add(layer: Layer, raster: Raster, served: Map<string, ServedFile>): void {
    this.entries.set(layer.id, { layer, raster, served });
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): { layer: Layer; raster: Raster } {
    const e = this.entries.get(id);
    if (!e) throw new ApiError('E_NOT_FOUND', `no open layer "${id}"`);
    return e;
  }

  list(): Layer[] {
    return [...this.entries.values()].map((e) => e.layer);
  }

  /** Removes the layer and closes its raster; false when it was not open. */
  async remove(id: string): Promise<boolean> {
    const e = this.entries.get(id);
    if (!e) return false;
    this.entries.delete(id);
    await e.raster.close();
    return true;
  }

  /** The file behind a data path such as `/data/layers/<id>/cog.tif`, or null. */
  resolve(dataPath: string): ServedFile | null {
    const m = /^\/data\/layers\/([A-Za-z0-9_-]{1,64})\//.exec(dataPath);
    if (!m) return null;
    return this.entries.get(m[1])?.served.get(dataPath) ?? null;
  }

  async closeAll(): Promise<void> {
    const ids = [...this.entries.keys()];
    await Promise.allSettled(ids.map((id) => this.remove(id)));
  }
}
