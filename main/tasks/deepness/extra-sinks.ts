/**
 * Second and later output files of one tiled run. A multi-head Deepness segmentor gives
 * one class raster per head, and GeoTIFF holds a colour table for one band only, so each
 * head gets its own single-band file. The tiler writes the first; its post transform
 * writes the others' rows here (awaited, so every file keeps the writer's pace). The model
 * runs once for all heads.
 */
import { rm } from 'node:fs/promises';
import type { NumericArray } from '../../raster/index.ts';
import { openRowSink, type OutputSpec, type RowSink } from '../../tiler/index.ts';
import { writeCategoryNames } from '../../raster/index.ts';

export class ExtraSinks {
  private constructor(
    private readonly sinks: RowSink[],
    private readonly names: (string[] | undefined)[],
    private readonly paths: string[],
  ) {}

  /** `filter` wraps each file's sink as runTiled's rowFilter wraps the first. */
  static async open(specs: (OutputSpec & { categoryNames?: string[] })[], filter?: (sink: RowSink) => RowSink): Promise<ExtraSinks> {
    const sinks: RowSink[] = [];
    try {
      for (const s of specs) {
        const sink = await openRowSink(s);
        sinks.push(filter ? filter(sink) : sink);
      }
    } catch (err) {
      await Promise.all(sinks.map((k) => k.abort().catch(() => undefined)));
      throw err;
    }
    return new ExtraSinks(sinks, specs.map((s) => s.categoryNames), specs.map((s) => s.path));
  }

  /** Writes rows to every extra file (bands[i] to file i); awaited by the tiler's post transform, so all files advance together. */
  async write(bands: NumericArray[], rows: number): Promise<void> {
    await Promise.all(this.sinks.map((s, i) => s.writeRows([bands[i]], rows)));
  }

  private placed: string[] = [];

  async finish(): Promise<void> {
    for (let i = 0; i < this.sinks.length; i++) {
      await this.sinks[i].finish();
      this.placed.push(this.paths[i]);
    }
    for (let i = 0; i < this.sinks.length; i++) {
      const names = this.names[i];
      if (names) await writeCategoryNames(this.paths[i], names);
    }
  }

  async abort(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.abort().catch(() => undefined)));
    // Files this run already renamed into place go too: a run leaves all heads or none.
    await Promise.all(this.placed.flatMap((p) => [rm(p, { force: true }), rm(`${p}.aux.xml`, { force: true })]));
  }
}
