// Wall-clock marks of each open, read by the test hook and the first-view benchmark.
export interface OpenTiming {
  /** performance.now() when the UI sent layer.open. */
  start: number;
  /** layer.open replied. */
  opened?: number;
  /** Band statistics arrived (the default stretch needs them). */
  stats?: number;
  /** First map 'rendercomplete' with this layer's tiles drawn. */
  firstView?: number;
}

export const timings = new Map<string, OpenTiming>();
