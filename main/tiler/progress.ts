/**
 * Progress of a tiled run: tiles done of the total and an ETA from the rate so far.
 * Skipped tiles cost next to nothing, so the rate is measured on inferred tiles and
 * the remaining work counts the tiles not yet known to be empty.
 */
export interface TiledProgress {
  /** Tiles finished (inferred or skipped) of `total`. */
  done: number;
  total: number;
  skipped: number;
  elapsedS: number;
  /** Seconds left at the rate so far; null until the first batch is done. */
  etaS: number | null;
  /** Which pass of a run with several (e.g. "HR features" before the fusion); absent for one. */
  stage?: string;
}

export class ProgressClock {
  private readonly t0 = performance.now();
  done = 0;
  skipped = 0;

  constructor(readonly total: number, private readonly knownEmpty: number) {}

  add(done: number, skipped: number): TiledProgress {
    this.done += done;
    this.skipped += skipped;
    const elapsedS = (performance.now() - this.t0) / 1000;
    const worked = this.done - this.skipped;
    const pendingEmpty = Math.max(0, this.knownEmpty - this.skipped);
    const remaining = Math.max(0, this.total - this.done - pendingEmpty);
    const etaS = worked > 0 ? (elapsedS / worked) * remaining : null;
    return { done: this.done, total: this.total, skipped: this.skipped, elapsedS, etaS };
  }
}
