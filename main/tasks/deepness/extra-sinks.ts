/**
 * Second and later output files of one tiled run. A multi-head Deepness segmentor gives
 * one class raster per head, and GeoTIFF holds a colour table for one band only, so each
 * head gets its own single-band file. The tiler writes the first; the post transform
 * hands the rows of the others here, where each file's writes are chained in order.
 * The model runs once for all heads.
 */
import type { NumericArray } from '../../raster/index.ts';
import { openRowSink, type OutputSpec, type RowSink } from '../output-writer.ts';
import { writeCategoryNames } from '../index.ts';

export class ExtraSinks {
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  private constructor(
    private readonly sinks: RowSink[],
    private readonly names: (string[] | undefined)[],
    private readonly paths: string[],
  ) {}

  static async open(specs: (OutputSpec & { categoryNames?: string[] })[]): Promise<ExtraSinks> {
    const sinks: RowSink[] = [];
    try {
      for (const s of specs) sinks.push(await openRowSink(s));
    } catch (err) {
      await Promise.all(sinks.map((k) => k.abort().catch(() => undefined)));
      throw err;
    }
    return new ExtraSinks(sinks, specs.map((s) => s.categoryNames), specs.map((s) => s.path));
  }

  /** Queues rows for every extra file (bands[i] goes to file i). Throws a failure of an earlier write. */
  push(bands: NumericArray[], rows: number): void {
    if (this.failure) throw this.failure;
    this.chain = this.chain
      .then(() => Promise.all(this.sinks.map((s, i) => s.writeRows([bands[i]], rows))).then(() => undefined))
      .catch((err) => {
        this.failure ??= err;
      });
  }

  async finish(): Promise<void> {
    await this.chain;
    if (this.failure) throw this.failure;
    for (const s of this.sinks) await s.finish();
    for (let i = 0; i < this.sinks.length; i++) {
      const names = this.names[i];
      if (names) await writeCategoryNames(this.paths[i], names);
    }
  }

  async abort(): Promise<void> {
    await this.chain.catch(() => undefined);
    await Promise.all(this.sinks.map((s) => s.abort().catch(() => undefined)));
  }
}
